package io.paybridge.intake;

import java.time.Instant;

/**
 * The few fields of a Stripe event that Paybridge reads at intake; the rest stays in the raw body.
 *
 * @param id             the event id ({@code evt_...})
 * @param type           the event type ({@code invoice.paid})
 * @param created        when Stripe created the event; the receipt time when the body has none
 * @param apiVersion     the API version the payload is rendered in, if given
 * @param livemode       live or test mode
 * @param connectAccount the Connect account the event belongs to, if any
 * @param objectId       {@code data.object.id}, if any
 * @param objectType     {@code data.object.object}, if any
 * @param objectStatus   {@code data.object.status}, if any
 * @param paymentIntentId the payment intent the object belongs to, if it names one:
 *                       {@code data.object.payment_intent} (a charge, a refund, a dispute) or
 *                       {@code data.object.payment.payment_intent} (an invoice payment)
 * @param paidInvoiceId  {@code data.object.invoice} of an invoice payment that names its payment
 *                       intent: the invoice's events then belong to that payment too
 * @param thin           a thin event ({@code "object":"v2.core.event"}): it names the changed object
 *                       ({@code related_object}) instead of carrying it; its {@code context} is the
 *                       connect account, its {@code related_object.{id,type}} the object id and type
 * @param relatedUrl     {@code related_object.url} of a thin event: where the object is fetched from
 */
public record EventEnvelope(
        String id,
        String type,
        Instant created,
        String apiVersion,
        boolean livemode,
        String connectAccount,
        String objectId,
        String objectType,
        String objectStatus,
        String paymentIntentId,
        String paidInvoiceId,
        boolean thin,
        String relatedUrl) {

    /** A snapshot event: it carries its object in {@code data.object}. */
    public EventEnvelope(String id, String type, Instant created, String apiVersion, boolean livemode,
            String connectAccount, String objectId, String objectType, String objectStatus, String paymentIntentId) {
        this(id, type, created, apiVersion, livemode, connectAccount, objectId, objectType, objectStatus,
                paymentIntentId, null, false, null);
    }
}
