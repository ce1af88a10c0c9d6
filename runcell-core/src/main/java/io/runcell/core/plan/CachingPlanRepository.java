package io.runcell.core.plan;

import io.runcell.core.cache.TtlCache;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keeps plans found by name for a short time (every request reads its caller's plan for rates and limits). An
 * upsert through this repository forgets them at once; one made on another node of a cluster takes effect here
 * within the time to live.
 */
public final class CachingPlanRepository implements PlanRepository {

    private final PlanRepository store;
    private final TtlCache<String, Plan> byName;

    public CachingPlanRepository(PlanRepository store, Duration ttl) {
        this.store = store;
        this.byName = new TtlCache<>(ttl, 1_000);
    }

    @Override
    public Optional<Plan> find(String name) {
        return byName.get(name, store::find);
    }

    @Override
    public List<Plan> list() {
        return store.list();
    }

    @Override
    public void upsert(Plan plan) {
        store.upsert(plan);
        byName.clear();
    }
}
