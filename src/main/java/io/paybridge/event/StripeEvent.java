package io.paybridge.event;

import java.io.Serializable;
import java.time.Instant;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * A stored Stripe event and its delivery state (table {@code stripe_event}, created by Flyway).
 * The hot paths (the intake's group insert, the delivery claim and settle) and the admin's replay
 * use hand-written SQL; this model serves the reads where Panache reads well: the admin API's
 * listing (a projection without the payload) and its one event.
 */
@Entity
@Table(name = "stripe_event")
@IdClass(StripeEvent.Key.class)
public class StripeEvent extends PanacheEntityBase {

    /**
     * The migrations make every string column {@code text}; Hibernate would expect {@code varchar(255)}
     * and its schema validation (dev mode, tests) would report each one.
     */
    static final String TEXT = "text";

    @Id
    @Column(columnDefinition = TEXT)
    public String account;

    @Id
    @Column(columnDefinition = TEXT)
    public String eventId;

    @Column(columnDefinition = TEXT)
    public String type;

    @Column(columnDefinition = TEXT)
    public String apiVersion;

    public boolean livemode;

    @Column(columnDefinition = TEXT)
    public String connectAccount;

    @Column(columnDefinition = TEXT)
    public String objectId;

    @Column(columnDefinition = TEXT)
    public String objectType;

    @Column(columnDefinition = TEXT)
    public String objectStatus;

    public Instant created;

    public Instant receivedAt;

    /** The body exactly as Stripe signed it. */
    public byte[] payload;

    @Column(columnDefinition = TEXT)
    public EventStatus status;

    public int attempts;

    public Instant nextAttemptAt;

    @Column(columnDefinition = TEXT)
    public String lastError;

    public Instant doneAt;

    public Instant updatedAt;

    /** A thin event (Stripe event destinations): the payload names the object instead of holding it. */
    public boolean thin;

    /** A thin event's {@code related_object.url}. */
    @Column(columnDefinition = TEXT)
    public String relatedUrl;

    /** A thin event's object as fetched from Stripe at the last attempt. */
    public byte[] fetched;

    public static Uni<StripeEvent> findByKey(String account, String eventId) {
        return find("account = ?1 and eventId = ?2", account, eventId).firstResult();
    }

    /** The primary key: the Paybridge account and Stripe's event id. */
    public record Key(String account, String eventId) implements Serializable {
    }
}
