package io.paybridge.salesforce;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Salesforce's OAuth 2.0 token endpoint. Built by {@link SalesforceAuth} on
 * {@code paybridge.salesforce.login-url}; every answer comes back as a plain response so that the
 * OAuth error body can be read and classified.
 */
@RegisterRestClient(configKey = "salesforce-oauth")
@Path("/services/oauth2/token")
interface OAuthApi {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> token(Form form);
}
