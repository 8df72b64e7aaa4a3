package io.paybridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Account names from the URL, as the refusal's log line shows them: one line, bounded, readable. */
class LoggableAccountTest {

    @Test
    void showsAnAccountNameAsItIs() {
        assertThat(WebhookRoutes.loggable("acme-eu_2")).isEqualTo("acme-eu_2");
    }

    @Test
    void escapesWhatCouldStartAnotherLogLine() {
        String forged = "x\n2026-12-01 05:00:00,000 ERROR FORGED\r\u0000\u2028\\u000a";

        String shown = WebhookRoutes.loggable(forged);

        assertThat(shown).isEqualTo("x\\u000a2026-12-01 05:00:00,000 ERROR FORGED\\u000d\\u0000\\u2028\\u005cu000a");
        assertThat(shown.chars()).allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    @Test
    void cutsALongNameAndSaysHowLongItWas() {
        String shown = WebhookRoutes.loggable("a".repeat(3000));

        assertThat(shown).isEqualTo("a".repeat(WebhookRoutes.LOGGED_ACCOUNT_LENGTH) + "... (3000 characters)");
    }
}
