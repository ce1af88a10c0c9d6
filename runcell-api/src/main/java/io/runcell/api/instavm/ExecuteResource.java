package io.runcell.api.instavm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.execution.Execution;
import io.runcell.core.id.Ids;
import io.runcell.core.policy.PolicyProfile;
import io.runcell.core.sandbox.SandboxRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /execute}, {@code /execute_async} and {@code GET /v1/executions/{task_id}}. */
final class ExecuteResource {

    private final Engine engine;
    private final InstaVmApi api;

    ExecuteResource(Engine engine, InstaVmApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules) {
        rules.post("/execute", api.handler(this::execute))
                .post("/execute_async", api.handler(this::executeAsync))
                .get("/v1/executions/{task_id}", api.handler(this::task));
    }

    /** A parsed and validated {@code CommandRequest}. */
    private record CommandRequest(
            String text, String language, String apiKey, String sessionId, int timeout, List<String> vaultIds) {

        static CommandRequest parse(ServerRequest req) {
            RequestBody body = RequestBody.parse(Bodies.raw(req, Bodies.MAX_JSON_BYTES), false);
            String command = body.optString("command");
            String code = body.optString("code");
            String apiKey = body.optString("api_key");
            String sessionId = body.optString("session_id");
            String language = body.optString("language");
            if (language != null && !language.equals("python") && !language.equals("bash")) {
                body.error(List.of("body", "language"), "Input should be 'python' or 'bash'", "literal_error");
            }
            Integer timeout = body.integer("timeout", 60, false, 1, 600);
            List<String> vaultIds = body.optStringList("vault_ids");
            body.check();
            if (command == null && code == null) {
                throw RequestBody.single(
                        List.of("body"), "Value error, Either command or code must be provided", "value_error");
            }
            return new CommandRequest(
                    command != null ? command : code,
                    language == null ? "python" : language,
                    apiKey,
                    sessionId,
                    timeout,
                    vaultIds == null ? List.of() : vaultIds);
        }

        List<String> argv() {
            return language.equals("bash") ? List.of("bash", "-c", text) : List.of("python3", "-c", text);
        }
    }

    private void execute(ServerRequest req, ServerResponse res) {
        CommandRequest cmd = CommandRequest.parse(req);
        Principal p = api.principal(req, cmd.apiKey());
        Execution started = start(p, cmd, false);
        Execution e = engine.executions().await(p, started.id(), Duration.ofSeconds(cmd.timeout()));
        if (!e.status().terminal()) {
            ObjectNode o = Json.object();
            o.put(
                    "detail",
                    "The execution did not finish within " + cmd.timeout()
                            + " seconds; it is still running: poll GET /v1/executions/" + e.id());
            o.put("task_id", e.id());
            o.put("session_id", Ids.sandboxIdToUuid(e.sandboxId()));
            Json.send(res, Status.GATEWAY_TIMEOUT_504, o);
            return;
        }
        Json.send(res, Status.OK_200, InstaVmJson.result(e, engine.clock().instant()));
    }

    private void executeAsync(ServerRequest req, ServerResponse res) {
        CommandRequest cmd = CommandRequest.parse(req);
        Principal p = api.principal(req, cmd.apiKey());
        Execution started = start(p, cmd, true);
        ObjectNode o = Json.object();
        o.put("task_id", started.id());
        o.put("session_id", Ids.sandboxIdToUuid(started.sandboxId()));
        o.put("status", InstaVmJson.taskStatus(started));
        Json.send(res, Status.OK_200, o);
    }

    private void task(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, null);
        Execution e = engine.executions().get(p, req.path().pathParameters().get("task_id"));
        Json.send(res, Status.OK_200, InstaVmJson.task(e, engine.clock().instant()));
    }

    /**
     * Starts the command in the named session, or in a new session with the plan's defaults when none is named;
     * {@code queued}: hand it to the core's dispatcher and return at once (execute_async).
     */
    private Execution start(Principal p, CommandRequest cmd, boolean queued) {
        rejectUnusableVaults(p, cmd.vaultIds());
        String sandboxId;
        if (cmd.sessionId() == null) {
            sandboxId = engine.sandboxes()
                    .create(
                            p,
                            new SandboxRequest(
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    SessionResource.DEFAULT_LIFETIME,
                                    null,
                                    Map.of(),
                                    Map.of(),
                                    false))
                    .id();
        } else {
            sandboxId = InstaVmApi.sandboxId(cmd.sessionId());
        }
        ExecCommand command =
                new ExecCommand(cmd.argv(), cmd.text(), Map.of(), null, true, null, PolicyProfile.OPEN, cmd.vaultIds());
        return queued
                ? engine.executions().enqueue(p, sandboxId, command)
                : engine.executions().start(p, sandboxId, command);
    }

    /**
     * FastAPI reports every bad item of a list, so each id is checked on its own: an unknown or another account's
     * vault is a {@code value_error} at its index.
     */
    private void rejectUnusableVaults(Principal p, List<String> vaultIds) {
        if (vaultIds.isEmpty()) {
            return;
        }
        List<ValidationFailed.Item> items = new ArrayList<>();
        for (int i = 0; i < vaultIds.size(); i++) {
            try {
                if (engine.vaults() == null) {
                    throw new RuncellException(ErrorCode.INVALID_REQUEST, "vaults are not available on this server");
                }
                engine.vaults().requireUsable(p, List.of(vaultIds.get(i)));
            } catch (RuncellException e) {
                if (e.code() != ErrorCode.INVALID_REQUEST) {
                    throw e;
                }
                items.add(new ValidationFailed.Item(
                        List.of("body", "vault_ids", i), "Value error, Unknown vault id", "value_error"));
            }
        }
        if (!items.isEmpty()) {
            throw new ValidationFailed(items);
        }
        // the count limit and the rest are the core's, checked on the whole list
        engine.vaults().requireUsable(p, vaultIds);
    }
}
