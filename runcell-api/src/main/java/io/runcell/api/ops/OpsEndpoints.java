package io.runcell.api.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.runcell.api.common.Json;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code /healthz} (the process answers), {@code /readyz} (store and backends usable), {@code /metrics}. */
public final class OpsEndpoints implements HttpService {

    private final Metrics metrics;
    private final BooleanSupplier ready;

    public OpsEndpoints(Metrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(
                        "/healthz",
                        (req, res) ->
                                Json.send(res, Status.OK_200, Json.object().put("status", "ok")))
                .get("/readyz", (req, res) -> {
                    boolean ok = ready.getAsBoolean();
                    ObjectNode body = Json.object().put("status", ok ? "ready" : "not_ready");
                    Json.send(res, ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
                })
                .get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
                });
    }
}
