package io.paybridge.event;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
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
@IdClass(SalesforceRecord.Key.class)
public class SalesforceRecord extends PanacheEntityBase {

    @Id
    public String sobject;

    @Id
    @Column(name = "external_id")
    public String externalId;

    /** Null until Salesforce has answered a push of the record with its id. */
    @Column(name = "salesforce_id")
    public String salesforceId;

    /** The primary key, as Salesforce keys a record: the SObject and the external id value. */
    public record Key(String sobject, String externalId) {
    }
}
