package io.paybridge.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.paybridge.admin.EventAdminRepository.Cursor;
import io.paybridge.admin.EventAdminRepository.StoredEvent;
import io.paybridge.delivery.ThinEventFetcher;
import io.paybridge.event.SalesforceRecord;
import io.paybridge.mapping.EventMapper;
import io.paybridge.mapping.RecordWrite;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * What operators do with stored events: list, inspect, replay. Shared by the admin API and the
 * {@code reprocess} command, so both behave alike.
 */
@ApplicationScoped
public class EventAdminService {

    private static final Logger LOG = Logger.getLogger(EventAdminService.class);

    private final EventAdminRepository repository;
    private final ReplayRepository replays;
    private final EventMapper mapper;
    private final Pool pool;
    private final AdminConfig config;

    public EventAdminService(EventAdminRepository repository, ReplayRepository replays, EventMapper mapper, Pool pool,
            AdminConfig config) {
        this.repository = repository;
        this.replays = replays;
        this.mapper = mapper;
        this.pool = pool;
        this.config = config;
    }

    /**
     * @param limit null for the configured default page size
     */
    public Uni<EventPage> list(EventFilter filter, Integer limit, String after) {
        int pageSize = pageSize(limit);
        Optional<Cursor> cursor = Optional.ofNullable(after).filter(text -> !text.isBlank()).map(Cursor::decode);
        return repository.list(filter, cursor, pageSize);
    }

    public Uni<Optional<EventDetail>> find(String account, String eventId) {
        if (EventFilter.hasNul(account) || EventFilter.hasNul(eventId)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return repository.find(account, eventId)
                .chain(found -> found.isEmpty()
                        ? Uni.createFrom().item(Optional.<EventDetail>empty())
                        : detail(found.get()).map(Optional::of));
    }

    /**
     * Puts the matching events back to {@code pending} with attempts and the dead state reset. They
     * then meet the same ordering rule as live events: one older than what its Salesforce records
     * already show ends {@code skipped} and overwrites nothing.
     *
     * @throws InvalidRequestException when no filter is given: replaying everything is never a slip
     */
    public Uni<ReplayResult> replay(EventFilter filter, boolean dryRun) {
        if (filter.matchesEverything()) {
            return Uni.createFrom().failure(new InvalidRequestException(
                    "give at least one filter (account, ids, status, type, since, until)"));
        }
        // Each batch of a replay commits on its own (ReplayRepository), so not one transaction here.
        Uni<ReplayResult> replay = dryRun
                ? replays.count(pool, filter).map(matched -> new ReplayResult(matched, 0))
                : replays.replay(pool, filter);
        return replay
                .invoke(result -> LOG.infof("Replay%s of %s: matched=%d replayed=%d",
                        dryRun ? " (dry run)" : "", filter, result.matched(), result.replayed()));
    }

    private Uni<EventDetail> detail(StoredEvent event) {
        Mapping mapping = map(event);
        List<SalesforceRecord.Key> records = mapping.writes().stream()
                .map(write -> new SalesforceRecord.Key(write.sobject(), write.externalId()))
                .distinct()
                .toList();
        return repository.salesforceIds(records)
                .map(salesforceIds -> detail(event, mapping, salesforceIds));
    }

    private static EventDetail detail(StoredEvent event, Mapping mapping, Map<String, String> salesforceIds) {
        List<RecordLink> records = mapping.writes().stream()
                .map(write -> new RecordLink(write.sobject(), write.externalIdField(), write.externalId(),
                        salesforceIds.get(write.sobject() + "/" + write.externalId())))
                .distinct()
                .toList();
        return new EventDetail(event.summary(), event.objectId(), event.objectType(), event.nextAttemptAt(), records,
                mapping.error(), new String(event.payload(), StandardCharsets.UTF_8),
                event.fetched() == null ? null : new String(event.fetched(), StandardCharsets.UTF_8));
    }

    private Mapping map(StoredEvent event) {
        if (event.thin()) {
            return mapThin(event);
        }
        try {
            return new Mapping(mapper.map(event.summary().account(), event.payload()), null);
        } catch (RuntimeException unmappable) {
            return new Mapping(List.of(), unmappable.getMessage());
        }
    }

    /** A thin event maps through the object it was last fetched with; before any fetch it has none. */
    private Mapping mapThin(StoredEvent event) {
        if (event.fetched() == null) {
            return new Mapping(List.of(), "a thin event: its object is fetched from Stripe when it is delivered");
        }
        try {
            JsonNode snapshot = ThinEventFetcher.asSnapshot(event.summary().id(), event.summary().type(),
                    event.summary().created(), event.context(), event.payload(), ThinEventFetcher.readObject(event.fetched()));
            return new Mapping(mapper.map(event.summary().account(), snapshot), null);
        } catch (IOException | RuntimeException unmappable) {
            return new Mapping(List.of(), unmappable.getMessage());
        }
    }

    private int pageSize(Integer limit) {
        if (limit == null) {
            return config.defaultPageSize();
        }
        if (limit < 1 || limit > config.maxPageSize()) {
            throw new InvalidRequestException("limit must be between 1 and " + config.maxPageSize());
        }
        return limit;
    }

    private record Mapping(List<RecordWrite> writes, String error) {
    }

    /** The current time of the service, for filters given as ages. */
    public Instant now() {
        return Instant.now();
    }
}
