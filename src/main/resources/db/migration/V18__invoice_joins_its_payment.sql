-- An invoice's events join the group of the payment intent that paid it.
--
-- The invoice record (Stripe_Invoice_Payment__c by default) is written by the invoice's events and by
-- its invoice payment, whose group is its payment intent (V17). An invoice of an older API version
-- names its payment intent and its events were in that group already; a current invoice names none,
-- so its events formed a group of their own: a claim could take the two halves in two turns (the later
-- handing its events back while the earlier pushed the record), and a replay, walking group by group,
-- put them back in different batches. A 100,000-event story replay pushed each record 1.17 times, and
-- 1.01 times when the invoices named their payment intent (docs/benchmarks.md, 2026-12-04).
--
-- An invoice payment names both its invoice and its payment intent. The intake keeps that link here,
-- and in the same statement gives the invoice's stored events the payment intent, and the invoice's
-- events that arrive later get it as they are stored. Events stored before this version, and invoices
-- whose payment arrived before it, keep their groups. The links stay when the retention purge takes
-- the events, as the records' watermarks do: one row per invoice payment, and a late or backfilled
-- event of the invoice still joins its payment.
CREATE TABLE invoice_payment_link (
    account text NOT NULL,
    invoice_id text NOT NULL,
    payment_intent_id text NOT NULL,
    PRIMARY KEY (account, invoice_id)
);
