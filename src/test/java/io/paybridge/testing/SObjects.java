package io.paybridge.testing;

/** The Salesforce objects and external id fields of the default routes (SPEC 2). */
public final class SObjects {

    public static final String INVOICE = "Stripe_Invoice_Payment__c";
    public static final String PAYMENT = "Stripe_Payment__c";
    public static final String PAYOUT = "Stripe_Payout__c";

    private SObjects() {
    }
}
