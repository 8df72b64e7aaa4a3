package io.paybridge.delivery;

import static io.paybridge.testing.SObjects.PAYOUT;
import static io.paybridge.testing.Deliveries.awaitStatus;
import static io.paybridge.testing.Webhooks.postSigned;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.InjectFakeSalesforce;
import io.paybridge.testing.FakeSalesforceResource;
import io.paybridge.testing.StripeEvents;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The JWT bearer flow: an RS256 assertion signed with the configured key, for the integration user.
 */
@QuarkusTest
@TestProfile(JwtBearerTest.JwtBearer.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class JwtBearerTest {

    public static class JwtBearer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "paybridge.salesforce.auth", "jwt-bearer",
                    "paybridge.salesforce.username", FakeSalesforce.USERNAME,
                    "paybridge.salesforce.private-key-file", FakeSalesforce.TEST_KEY.toString(),
                    "paybridge.delivery.poll-interval", "50ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeSalesforceResource.class));
        }
    }

    @InjectFakeSalesforce
    FakeSalesforce salesforce;

    @Test
    void deliversWithATokenFromASignedAssertion() {

        // Other tests' events and records may share the database and the fake: this payout is its own.
        String id = "po_jwt_" + StripeEvents.uniqueTag();

        postSigned(StripeEvents.payout(id).field("currency", "usd").field("amount", 4200).bytes()).statusCode(200);
        awaitStatus("default", "evt_" + id, "delivered");

        assertThat(salesforce.record(PAYOUT, id)).containsEntry("Status__c", "paid");
        assertThat(salesforce.tokenRequests()).isEqualTo(1);
    }
}
