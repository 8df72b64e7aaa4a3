package io.paybridge.console;

import static io.paybridge.testing.Deliveries.awaitStatus;
import static io.paybridge.testing.Webhooks.postSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.paybridge.admin.AdminProfile;
import io.paybridge.testing.FakeSalesforce;
import io.paybridge.testing.FakeSalesforceResource;
import io.paybridge.testing.TestDatabase;
import io.paybridge.testing.TestPorts;
import io.paybridge.testing.StripeEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The operator console in a real headless Chromium against the running service and the fake
 * Salesforce: the token prompt, a dead event found, read and replayed, filters and pages over 250
 * events, the page's own script logic, and a browser console free of errors. Each test has its own
 * event ids or account, so it neither needs nor makes an empty database.
 */
@QuarkusTest
@TestProfile(AdminProfile.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestPorts.class)
class ConsoleTest {

    static final String PAYOUT = "Stripe_Payout__c";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Chromium logs for the 401 a wrong token gets: expected where a test sends one. */
    private static final Pattern REFUSED_TOKEN = Pattern.compile("status of 401");
    private static final int MANY = 250;

    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final String account = "console-" + run;
    private Browser browser;

    @BeforeEach
    void noBrowserYet() {
        browser = null;
    }

    @AfterEach
    void closeBrowserAndForgetEvents() {
        if (browser != null) {
            browser.close();
        }
        TestDatabase.execute("DELETE FROM stripe_event WHERE account = '" + account + "'");
    }

    @Test
    void servesTheConsoleOnTheManagementPortOnly() {
        given().get(consoleUrl()).then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Cache-Control", "no-cache")
                .body(containsString("<script type=\"module\" src=\"/console/app.js\">"));
        given().get(consoleUrl() + "/").then().statusCode(200).contentType(containsString("text/html"));
        for (String file : List.of("app.js", "api.js", "chart.js", "dom.js", "format.js", "metrics.js", "query.js")) {
            given().get(consoleUrl() + "/" + file).then().statusCode(200).contentType(containsString("text/javascript"));
        }
        given().get(consoleUrl() + "/console.css").then().statusCode(200).contentType(containsString("text/css"));
        given().get(consoleUrl() + "/settings.json").then().statusCode(200)
                .body("tokenRequired", equalTo(true))
                .body(not(containsString(AdminProfile.TOKEN)));
        given().get(consoleUrl() + "/application.properties").then().statusCode(404).body("error", equalTo("not_found"));
        given().get(consoleUrl() + "/..%2Fapplication.properties").then().statusCode(404);

        // Port 8080 carries the webhooks and nothing else.
        given().get("/console").then().statusCode(404);
        given().get("/console/app.js").then().statusCode(404);
    }

    @Test
    void statsCountEventsByStatusPerBucket() {
        insertEvents(MANY);
        given().baseUri(adminUrl()).get("stats").then().statusCode(401);

        JsonNode stats = admin().queryParam("account", account).get("stats").then().statusCode(200)
                .body("bucketSeconds", equalTo(3600))
                .body("buckets", hasSize(24))
                .extract().as(JsonNode.class);
        Map<String, Long> totals = new java.util.TreeMap<>();
        boolean lag = false;
        for (JsonNode bucket : stats.path("buckets")) {
            bucket.path("counts").properties().forEach(count -> totals.merge(count.getKey(), count.getValue().asLong(), Long::sum));
            lag |= bucket.path("lagSeconds").isNumber();
        }
        assertThat(totals).containsExactlyInAnyOrderEntriesOf(Map.of(
                "pending", 0L, "retrying", 0L, "delivered", 150L, "skipped", 50L, "dead", 50L));
        assertThat(lag).as("delivered events give a delivery lag").isTrue();

        JsonNode everyAccount = admin().get("stats").then().statusCode(200).body("buckets", hasSize(24))
                .extract().as(JsonNode.class);
        long dead = 0;
        for (JsonNode bucket : everyAccount.path("buckets")) {
            dead += bucket.path("counts").path("dead").asLong();
        }
        assertThat(dead).as("every account's events, this test's among them").isGreaterThanOrEqualTo(50);

        admin().queryParam("account", account).queryParam("since", "2h").queryParam("bucket", "15m").get("stats")
                .then().statusCode(200).body("bucketSeconds", equalTo(900)).body("buckets", hasSize(8));
        admin().queryParam("bucket", "1w").get("stats").then().statusCode(400)
                .body("error", equalTo("invalid_request")).body("message", containsString("bucket must be"));
        admin().queryParam("bucket", "10s").get("stats").then().statusCode(400).body("message", containsString("at least 60s"));
        admin().queryParam("since", "30d").queryParam("bucket", "1m").get("stats").then().statusCode(400)
                .body("message", containsString("at most 1000"));
        admin().queryParam("since", "1h").queryParam("until", "2h").get("stats").then().statusCode(400)
                .body("message", containsString("since must be before until"));
    }

    @Test
    void theScriptLogicWorksInTheBrowser() throws Exception {
        browser = new Browser();
        browser.open(consoleUrl());
        Object answer = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                Promise.all([import('/console/query.js'), import('/console/format.js'), import('/console/metrics.js'),
                             import('/console/chart.js')])
                  .then(([q, f, m, c]) => {
                    const pager = new q.Pager();
                    const steps = [pager.page, pager.after, pager.hasNext];
                    pager.received('c2');
                    steps.push(pager.hasNext, pager.next(), pager.page, pager.after);
                    pager.received('c3');
                    pager.next();
                    pager.received(null);
                    steps.push(pager.page, pager.after, pager.hasNext, pager.next(), pager.previous(), pager.after,
                               pager.hasNext);
                    pager.reset();
                    steps.push(pager.page, pager.after, pager.hasPrevious);
                    const metrics = m.summarize(m.parsePrometheus([
                      '# TYPE paybridge_events gauge',
                      'paybridge_events{status="dead"} 3.0',
                      'paybridge_events{status="pending"} 1.0',
                      'paybridge_oldest_pending_age_seconds 75.0',
                      'paybridge_salesforce_circuit_open 1.0',
                      'paybridge_salesforce_api_usage_ratio 0.25',
                      'paybridge_delivery_lag_seconds_bucket{le="0.5"} 5',
                      'paybridge_delivery_lag_seconds_bucket{le="1.0"} 10',
                      'paybridge_delivery_lag_seconds_bucket{le="+Inf"} 10',
                      'paybridge_delivery_lag_seconds_count 10',
                      'paybridge_delivery_lag_seconds_sum 6.0',
                      'paybridge_reconcile_last_success_timestamp_seconds{account="b"} 1764400000',
                      'paybridge_reconcile_last_success_timestamp_seconds{account="a"} 1764300000'].join('\\n')));
                    done(JSON.stringify({
                      query: q.filtersToQuery({ account: ' acme ', status: 'dead', type: 'invoice.*', since: '', bogus: 'x' },
                                              { limit: 50, after: 'a+b=' }),
                      replay: q.replayBody({ account: 'acme', until: '' }, { ids: ['evt_1'], dryRun: true }),
                      describe: [q.describeFilters({}), q.describeFilters({ status: 'dead', type: 'payout.*' })],
                      routes: [q.parseRoute('#/events?status=retrying&limit=100&evil=1'), q.parseRoute(''),
                               q.parseRoute(q.eventHash('acme/eu', 'evt_1 2')), q.parseRoute('#/events?limit=7')],
                      hashes: [q.listHash({ status: 'dead' }), q.listHash({}), q.listHash({ account: 'a&b' }, 100)],
                      pager: steps,
                      utc: f.formatUtc('2026-11-29T17:02:35.123Z'),
                      local: f.formatLocal('2026-11-29T17:02:35Z', { locale: 'en-GB', timeZone: 'Asia/Kolkata' }),
                      durations: [0.42, 12.4, 185, 7800, 3 * 86400 + 4 * 3600, null].map(f.formatDuration),
                      ratio: f.formatRatio(0.4234),
                      metrics,
                      noReconcile: m.summarize(m.parsePrometheus('paybridge_events{status="dead"} 0')).lastReconcile,
                      geometry: c.stackGeometry([{ start: 'x', counts: { delivered: 3, dead: 1 } }, { start: 'y', counts: {} }]),
                      nice: [0, 7, 130, 2000].map(c.niceCeiling),
                    }));
                  })
                  .catch((error) => done('failed: ' + error));
                """);
        assertThat(answer).isInstanceOf(String.class);
        assertThat((String) answer).doesNotStartWith("failed");
        JsonNode result = JSON.readTree((String) answer);

        assertThat(result.path("query").asText()).isEqualTo("account=acme&status=dead&type=invoice.*&limit=50&after=a%2Bb%3D");
        assertThat(result.path("replay").toString()).isEqualTo("{\"account\":\"acme\",\"ids\":[\"evt_1\"],\"dryRun\":true}");
        assertThat(result.path("describe").toString()).isEqualTo("[\"all events\",\"status=dead, type=payout.*\"]");
        assertThat(result.path("routes").toString()).isEqualTo("[{\"view\":\"events\",\"filters\":{\"status\":\"retrying\"},\"limit\":100},"
                + "{\"view\":\"events\",\"filters\":{},\"limit\":50},"
                + "{\"view\":\"event\",\"account\":\"acme/eu\",\"id\":\"evt_1 2\"},"
                + "{\"view\":\"events\",\"filters\":{},\"limit\":50}]");
        assertThat(result.path("hashes").toString()).isEqualTo("[\"#/events?status=dead\",\"#/events\",\"#/events?account=a%26b&limit=100\"]");
        assertThat(result.path("pager").toString()).isEqualTo(
                "[1,null,false,true,true,2,\"c2\",3,\"c3\",false,false,true,\"c2\",true,1,null,false]");
        assertThat(result.path("utc").asText()).isEqualTo("2026-11-29 17:02:35 UTC");
        assertThat(result.path("local").asText()).isEqualTo("29 Nov 2026, 22:32:35");
        assertThat(result.path("durations").toString()).isEqualTo("[\"0.4 s\",\"12 s\",\"3 min 5 s\",\"2 h 10 min\",\"3 d 4 h\",\"—\"]");
        assertThat(result.path("ratio").asText()).isEqualTo("42.3 %");
        JsonNode metrics = result.path("metrics");
        assertThat(metrics.path("counts").toString()).isEqualTo("{\"dead\":3,\"pending\":1}");
        assertThat(metrics.path("oldestPendingAgeSeconds").asDouble()).isEqualTo(75.0);
        assertThat(metrics.path("circuitOpen").asBoolean()).isTrue();
        assertThat(metrics.path("apiUsageRatio").asDouble()).isEqualTo(0.25);
        assertThat(metrics.path("lag").toString()).isEqualTo("{\"count\":10,\"meanSeconds\":0.6,\"p50Seconds\":0.5,\"p95Seconds\":1}");
        assertThat(metrics.path("lastReconcile").toString()).as("oldest first")
                .isEqualTo("[{\"account\":\"a\",\"at\":\"2025-11-28T03:20:00.000Z\"},{\"account\":\"b\",\"at\":\"2025-11-29T07:06:40.000Z\"}]");
        assertThat(result.path("noReconcile").isNull()).as("no reconciliation metric, nothing shown").isTrue();
        JsonNode geometry = result.path("geometry");
        assertThat(geometry.path("yMax").asInt()).isEqualTo(5);
        assertThat(geometry.path("rects")).hasSize(2);
        assertThat(geometry.path("rects").get(0).path("status").asText()).isEqualTo("delivered");
        assertThat(geometry.path("rects").get(1).path("status").asText()).isEqualTo("dead");
        assertThat(geometry.path("rects").get(1).path("y").asDouble()).isLessThan(geometry.path("rects").get(0).path("y").asDouble());
        assertThat(result.path("nice").toString()).isEqualTo("[1,10,200,2000]");
        browser.assertNoConsoleErrors();
    }

    @Test
    void asksForTheTokenOnceAndExplainsAWrongOne() {
        browser = new Browser();
        browser.open(consoleUrl());
        browser.visible("#token-input");
        assertThat(browser.find("#app").isDisplayed()).isFalse();
        browser.screenshot("token");

        browser.find("#token-input").sendKeys("not-the-token");
        browser.click("#token-form button[type=submit]");
        browser.textAppears("#token-error", "refused this token (401 unauthorized)");
        assertThat(browser.find("#app").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem('paybridge.console.adminToken')")).isNull();

        browser.find("#token-input").clear();
        browser.find("#token-input").sendKeys(AdminProfile.TOKEN);
        browser.click("#token-form button[type=submit]");
        browser.visible("#app");
        browser.visible("#events-body tr");
        assertThat(browser.find("#token-section").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem('paybridge.console.adminToken')")).isEqualTo(AdminProfile.TOKEN);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(AdminProfile.TOKEN);

        // The tab keeps it: a reload asks for nothing.
        browser.driver.navigate().refresh();
        browser.visible("#app");
        browser.visible("#events-body tr");
        assertThat(browser.find("#token-section").isDisplayed()).isFalse();

        browser.click("#forget-token");
        browser.visible("#token-input");
        assertThat(browser.script("return sessionStorage.getItem('paybridge.console.adminToken')")).isNull();
        browser.assertNoConsoleErrors(REFUSED_TOKEN);
    }

    @Test
    void findsADeadEventReadsItsErrorAndReplaysItAfterADryRun() {
        FakeSalesforce salesforce = FakeSalesforceResource.fake();
        String payout = "po_console_" + run;
        String eventId = "evt_" + payout;
        salesforce.rejectRecord(PAYOUT, payout, "INVALID_FIELD", "No such column 'Arrival_Date__c' on sobject of type Stripe_Payout__c");
        try {
            postSigned(payoutEvent(payout, eventId, Instant.now().getEpochSecond())).statusCode(200);
            awaitStatus("default", eventId, "dead");

            browser = signedIn();
            browser.click("#saved-views a[data-view='Dead']");
            assertThat(browser.driver.getCurrentUrl()).endsWith("#/events?status=dead");
            browser.textAppears("#events-caption", "status=dead");
            String row = "#events-body tr[data-id='" + eventId + "']";
            browser.visible(row);
            assertThat(browser.find(row + " .status").getText()).isEqualTo("dead");
            assertThat(browser.find(row + " .status").getAttribute("class")).contains("status-dead");
            assertThat(browser.find(row + " td.last-error").getText()).contains("INVALID_FIELD");
            browser.scrollTo("#events-view");
            browser.screenshot("dead-events");

            browser.click(row + " a.event-link");
            browser.visible("#event-view");
            browser.textAppears("dd[data-field='last-error']", "INVALID_FIELD");
            browser.textAppears("dd[data-field='last-error']", "No such column 'Arrival_Date__c'");
            assertThat(browser.find("dd[data-field='status']").getText()).isEqualTo("dead");
            assertThat(browser.find("dd[data-field='attempts']").getText()).matches("[1-9]\\d*");
            assertThat(browser.find("#event-records-head").getText()).contains("sObject", "External id field", "Salesforce id");
            assertThat(browser.find("#event-records-body").getText()).contains(PAYOUT, "Stripe_Payout_Id__c", payout, "not written yet");
            assertThat(browser.find("#event-payload").isDisplayed()).as("the payload starts collapsed").isFalse();
            browser.click("#payload-details summary");
            browser.textAppears("#event-payload", "\"id\": \"" + eventId + "\"");
            browser.scrollTo("#event-view");
            browser.screenshot("event");

            salesforce.acceptRecord(PAYOUT, payout);
            browser.click("#replay-event");
            WebElement dryRun = browser.visible("#event-replay-panel .dry-run");
            assertThat(dryRun.getAttribute("data-matched")).isEqualTo("1");
            assertThat(dryRun.getText()).contains("Dry run: 1 event matches event " + eventId);
            assertThat(TestDatabase.delivery("default", eventId).orElseThrow().status()).as("a dry run changes nothing").isEqualTo("dead");
            browser.screenshot("replay-dry-run");

            browser.click("#event-replay-panel .confirm-replay");
            browser.textAppears("#event-replay-panel .replay-result", "Replayed 1 of 1 matching events.");
            browser.textAppears("dd[data-field='status']", "delivered");
            browser.textAppears("#event-records-body", salesforce.salesforceId(PAYOUT, payout));
            assertThat(browser.find("dd[data-field='last-error']").getText()).isEqualTo("none");
            assertThat(salesforce.record(PAYOUT, payout)).containsEntry("Status__c", "paid");

            browser.click("#back-to-list");
            browser.visible("#events-view");
            assertThat(browser.driver.getCurrentUrl()).endsWith("#/events?status=dead");
            browser.assertNoConsoleErrors();
        } finally {
            salesforce.acceptRecord(PAYOUT, payout);
        }
    }

    @Test
    void filtersAndPagesThroughManyEvents() {
        insertEvents(MANY);
        browser = signedIn();
        browser.find("#filter-account").sendKeys(account);
        browser.click("#apply-filters");
        browser.textAppears("#events-caption", "account=" + account);
        browser.visible("#events-body tr[data-id='evt_page_000']");
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("overview");

        List<String> seen = new ArrayList<>(ids());
        List<List<String>> pages = new ArrayList<>(List.of(ids()));
        assertThat(seen).hasSize(50);
        while (browser.find("#page-next").isEnabled()) {
            int page = pages.size() + 1;
            browser.click("#page-next");
            browser.textAppears("#page-info", "Page " + page);
            pages.add(ids());
            seen.addAll(pages.get(pages.size() - 1));
        }
        assertThat(pages).hasSize(5);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MANY; i++) {
            expected.add("evt_page_%03d".formatted(i));
        }
        assertThat(seen).as("every event once, newest first").containsExactlyElementsOf(expected);
        browser.click("#page-previous");
        browser.textAppears("#page-info", "Page 4");
        assertThat(ids()).isEqualTo(pages.get(3));
        browser.click("#page-first");
        browser.textAppears("#page-info", "Page 1");
        assertThat(ids()).isEqualTo(pages.get(0));
        assertThat(browser.find("#page-previous").isEnabled()).isFalse();

        WebElement created = browser.find("#events-body tr[data-id='evt_page_000'] time");
        assertThat(created.getAttribute("title")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
        assertThat(created.getAttribute("datetime")).endsWith("Z");

        new Select(browser.find("#filter-status")).selectByValue("dead");
        browser.find("#filter-type").sendKeys("invoice.*");
        browser.find("#filter-since").sendKeys("1d");
        browser.click("#apply-filters");
        browser.textAppears("#events-caption", "status=dead, type=invoice.*, since=1d");
        assertThat(browser.driver.getCurrentUrl()).contains("status=dead").contains("type=invoice.*").contains("since=1d");
        List<WebElement> rows = browser.findAll("#events-body tr[data-id]");
        assertThat(rows).hasSize(25);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.getAttribute("data-status")).isEqualTo("dead");
            assertThat(row.getText()).contains("invoice.paid");
        });
        // The API's text is shown as text, never as markup.
        assertThat(rows.get(0).findElement(org.openqa.selenium.By.cssSelector("td.last-error")).getText()).contains("<b>not markup</b>");
        assertThat(browser.findAll("#events-body td.last-error b")).isEmpty();
        assertThat(browser.find("#page-next").isEnabled()).isFalse();
        browser.scrollTo("#events-view");
        browser.screenshot("filtered");

        // A replay of a selection or of the filter starts with a dry run; cancelled, it changes nothing.
        for (WebElement checkbox : browser.findAll("#events-body input.select-event").subList(0, 3)) {
            checkbox.click();
            assertThat(browser.script("return document.activeElement === arguments[0]", checkbox))
                    .as("the focus stays on the checkbox").isEqualTo(true);
        }
        browser.textAppears("#replay-selected", "Replay 3 selected");
        browser.click("#replay-selected");
        assertThat(browser.visible("#replay-panel .dry-run").getAttribute("data-matched")).isEqualTo("3");
        browser.click("#replay-panel button.quiet");
        browser.until(driver -> !browser.find("#replay-panel").isDisplayed());
        browser.click("#replay-filter");
        WebElement dryRun = browser.visible("#replay-panel .dry-run");
        assertThat(dryRun.getAttribute("data-matched")).isEqualTo("25");
        assertThat(dryRun.getText()).contains("25 events match the filter (account=" + account + ", status=dead, type=invoice.*, since=1d)");
        browser.click("#replay-panel button.quiet");
        assertThat(TestDatabase.statuses(account).values().stream().filter("dead"::equals).count()).isEqualTo(50);

        // With the keyboard alone: the focus is visible, and a saved view is a link Enter follows.
        browser.find("#filter-until").sendKeys(Keys.TAB);
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("filter-limit");
        assertThat(browser.script("return getComputedStyle(document.activeElement).outlineStyle")).isEqualTo("solid");
        browser.find("#saved-views a[data-view='Retrying']").sendKeys(Keys.ENTER);
        browser.textAppears("#events-caption", "status=retrying");
        assertThat(browser.find("#filter-account").getAttribute("value")).as("a saved view is its filters only").isEmpty();

        // Readable on a phone: nothing wider than the screen but the tables' own scroll areas.
        browser.viewport(390, 844, true);
        browser.until(driver -> Boolean.TRUE.equals(browser.script(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")));
        browser.scrollTo("#events-view");
        browser.screenshot("phone");
        browser.assertNoConsoleErrors();
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** A browser that has given the console its token. */
    private Browser signedIn() {
        Browser signedIn = new Browser();
        signedIn.open(consoleUrl());
        signedIn.visible("#token-input").sendKeys(AdminProfile.TOKEN);
        signedIn.click("#token-form button[type=submit]");
        signedIn.visible("#app");
        signedIn.visible("#summary-list .figure");
        return signedIn;
    }

    private List<String> ids() {
        return browser.findAll("#events-body tr[data-id]").stream().map(row -> row.getAttribute("data-id")).toList();
    }

    /**
     * {@code count} settled events of this test's own account, one every 5 minutes back from a
     * minute ago, newest first by id: by {@code i % 5} delivered, delivered, skipped, dead, delivered;
     * even ones {@code invoice.paid}, odd ones {@code payout.paid}. None is due, so delivery leaves
     * them alone.
     */
    private void insertEvents(int count) {
        TestDatabase.execute("""
                INSERT INTO stripe_event (account, event_id, type, object_id, object_type, created, received_at, payload,
                                          status, attempts, last_error, done_at)
                SELECT '%s', 'evt_page_' || lpad(i::text, 3, '0'),
                       CASE WHEN i %% 2 = 0 THEN 'invoice.paid' ELSE 'payout.paid' END,
                       'obj_' || i, CASE WHEN i %% 2 = 0 THEN 'invoice' ELSE 'payout' END,
                       now() - make_interval(mins => i * 5 + 1),
                       now() - make_interval(mins => i * 5 + 1) + interval '1 second',
                       convert_to('{"id":"evt_page_' || lpad(i::text, 3, '0') || '","object":"event"}', 'UTF8'),
                       (ARRAY['delivered', 'delivered', 'skipped', 'dead', 'delivered'])[i %% 5 + 1],
                       CASE WHEN i %% 5 = 3 THEN 6 ELSE 1 END,
                       CASE WHEN i %% 5 = 3 THEN 'INVALID_FIELD: <b>not markup</b> on record ' || i END,
                       CASE WHEN i %% 5 <> 3 THEN now() - make_interval(mins => i * 5 + 1) + make_interval(secs => 1 + i %% 7) END
                  FROM generate_series(0, %d) AS i
                """.formatted(account, count - 1));
    }

    private static String consoleUrl() {
        return TestPorts.managementUrl().replace("/q/", "/console");
    }

    private static String adminUrl() {
        return TestPorts.managementUrl().replace("/q/", "/admin/");
    }

    private static RequestSpecification admin() {
        return given().baseUri(adminUrl()).header("Authorization", "Bearer " + AdminProfile.TOKEN);
    }

    private static byte[] payoutEvent(String payout, String eventId, long created) {
        return StripeEvents.payout(payout).eventId(eventId).created(created).status("paid").bytes();
    }
}
