package io.paybridge.app;

import com.stripe.model.Event;
import com.stripe.model.EventCollection;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeError;
import com.stripe.model.StripeObject;
import com.stripe.net.ApiResource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import picocli.CommandLine;

/**
 * Classes used reflectively by libraries without a Quarkus extension, for the native executable:
 * the stripe-java models Gson fills when {@code backfill} lists events (and reads Stripe's errors),
 * and picocli's own mixins.
 */
@RegisterForReflection(ignoreNested = false, targets = {
        Event.class,
        EventCollection.class,
        StripeCollection.class,
        StripeObject.class,
        ApiResource.class,
        StripeError.class,
        CommandLine.HelpCommand.class
}, classNames = "picocli.CommandLine$AutoHelpMixin")
final class NativeReflection {

    private NativeReflection() {
    }
}
