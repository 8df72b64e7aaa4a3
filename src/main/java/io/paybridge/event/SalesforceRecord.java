package io.paybridge.event;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/**
 * What operators see of a Salesforce record Paybridge writes (table {@code salesforce_record}):
 * its key and the Salesforce id once written. Read-only: delivery owns the table (the ordering
 * watermarks and the record's lease) and writes it with its own statements, so those columns are
 * not mapped here.
 */
@Entity
@Immutable
@Table(name = "salesforce_record")
public class SalesforceRecord extends PanacheEntityBase {

    @EmbeddedId
    public Key id;

    /** Null until Salesforce has answered a push of the record with its id. */
    @Column(columnDefinition = StripeEvent.TEXT)
    public String salesforceId;

    /** The primary key, as Salesforce keys a record: the SObject and the external id value. */
    @Embeddable
    public record Key(@Column(columnDefinition = StripeEvent.TEXT) String sobject,
            @Column(columnDefinition = StripeEvent.TEXT) String externalId) {
    }
}
