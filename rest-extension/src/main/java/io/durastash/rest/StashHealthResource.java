package io.durastash.rest;

import io.durastash.sink.placement.SinkGroup;
import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import io.durastash.stash.model.LeftBehindStash;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /durastash/stashes}: the health of every stash open in this worker, and of every stash the last task here
 * let go while it held records, in the {@link HealthDetail} the worker chose ({@code detail} in the answer says which).
 */
@Path("/durastash")
@Produces(MediaType.APPLICATION_JSON)
public final class StashHealthResource {
    private final StashRegistry registry;
    private final SinkGroups sinkGroups;
    private final long noDrainerAfterMs;
    private final HealthDetail detail;

    StashHealthResource(StashRegistry registry, SinkGroups sinkGroups, long noDrainerAfterMs, HealthDetail detail) {
        this.registry = registry;
        this.sinkGroups = sinkGroups;
        this.noDrainerAfterMs = noDrainerAfterMs;
        this.detail = detail;
    }

    @GET
    @Path("/stashes")
    public Map<String, Object> stashes() {
        List<SinkGroup> groups = sinkGroups.groups();
        List<Map<String, Object>> stashes = new ArrayList<>();
        boolean ok = true;
        for (Stash stash : registry.openStashes()) {
            Map<String, Object> health = StashHealth.of(stash, groups, noDrainerAfterMs, detail);
            ok &= "OK".equals(health.get("status"));
            stashes.add(health);
        }
        for (LeftBehindStash left : registry.leftBehind()) {
            Map<String, Object> health = StashHealth.of(left, noDrainerAfterMs, detail);
            ok &= "OK".equals(health.get("status"));
            stashes.add(health);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("version", Version.get());
        answer.put("status", ok ? "OK" : "ATTENTION");
        answer.put("detail", detail.configValue());
        answer.put("stashes", stashes);
        return answer;
    }
}
