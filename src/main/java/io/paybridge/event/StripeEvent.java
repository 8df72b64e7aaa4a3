package io.paybridge.event;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

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

    @Id
    public String account;

    @Id
    @Column(name = "event_id")
    public String eventId;

    public String type;

    @Column(name = "api_version")
    public String apiVersion;

    public boolean livemode;

    @Column(name = "connect_account")
    public String connectAccount;

    @Column(name = "object_id")
    public String objectId;

    @Column(name = "object_type")
    public String objectType;

    @Column(name = "object_status")
    public String objectStatus;

    public Instant created;

    @Column(name = "received_at")
    public Instant receivedAt;

    /** The body exactly as Stripe signed it. */
    public byte[] payload;

    public EventStatus status;

    public int attempts;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "done_at")
    public Instant doneAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** A thin event (Stripe event destinations): the payload names the object instead of holding it. */
    public boolean thin;

    /** A thin event's {@code related_object.url}. */
    @Column(name = "related_url")
    public String relatedUrl;

    /** A thin event's object as fetched from Stripe at the last attempt. */
    public byte[] fetched;

    public static Uni<StripeEvent> findByKey(String account, String eventId) {
        return find("account = ?1 and eventId = ?2", account, eventId).firstResult();
    }

    /** The primary key: the Paybridge account and Stripe's event id. */
    public static class Key implements Serializable {
        public String account;
        public String eventId;

        public Key() {
        }

        public Key(String account, String eventId) {
            this.account = account;
            this.eventId = eventId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(account, key.account) && Objects.equals(eventId, key.eventId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(account, eventId);
        }
    }
}
