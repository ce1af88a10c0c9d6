package io.runcell.core.plan;

import java.util.List;
import java.util.Optional;

/** Persistence of plans. */
public interface PlanRepository {

    Optional<Plan> find(String name);

    List<Plan> list();

    /** Inserts or replaces the plan with this name. */
    void upsert(Plan plan);
}
