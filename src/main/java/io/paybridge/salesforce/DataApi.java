package io.paybridge.salesforce;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The REST API calls Paybridge makes on an org: sObject Collections upsert by external id, and the
 * Limits resource. Built by {@link SalesforceClient} on the {@code instance_url} of the current
 * token; every answer comes back as a plain response so that the error bodies (JSON arrays, or a
 * gateway's HTML page) can be classified.
 */
@Path("/services/data/{version}")
interface DataApi {

    @PATCH
    @Path("/composite/sobjects/{sobject}/{externalIdField}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> upsert(
            @PathParam("version") String version,
            @PathParam("sobject") String sobject,
            @PathParam("externalIdField") String externalIdField,
            @HeaderParam("Authorization") String authorization,
            CollectionsUpsert body);

    /** The org's limits; read for its {@code Sforce-Limit-Info} while delivery waits for API budget. */
    @GET
    @Path("/limits")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> limits(
            @PathParam("version") String version,
            @HeaderParam("Authorization") String authorization);
}
