package io.runcell.api.hostup;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.execution.Execution;
import io.runcell.core.policy.PolicyProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v2/vps/{id}/agent/exec}: GET without {@code pid} is the availability probe, GET with {@code pid}
 * polls a process, POST starts one (non-empty command up to 4096 characters, run with {@code bash -c} under the
 * GUARDED policy, never starting a stopped VPS).
 */
final class AgentExecResource {

    static final int MAX_COMMAND_CHARS = 4096;

    private final Engine engine;
    private final HostupApi api;

    AgentExecResource(Engine engine, HostupApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.get("/vps/{id}/agent/exec", guard.wrap(this::probeOrPoll))
                .post("/vps/{id}/agent/exec", guard.wrap(this::exec));
    }

    private void probeOrPoll(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, res);
        Optional<String> pid = req.query().first("pid").asOptional();
        if (pid.isEmpty()) {
            p.require(Scope.READ_VM);
            Json.send(
                    res,
                    Status.OK_200,
                    HostupJson.readiness(engine.sandboxes().readiness(p, HostupApi.sandboxId(req))));
            return;
        }
        p.require(Scope.WRITE_VM);
        String sandboxId = HostupApi.sandboxId(req);
        long seq = pid(pid.get());
        Execution e = engine.executions().getBySeq(p, sandboxId, seq);
        Json.send(res, Status.OK_200, HostupJson.process(e));
    }

    private void exec(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, res);
        p.require(Scope.WRITE_VM);
        String sandboxId = HostupApi.sandboxId(req);
        String command = command(Bodies.json(req));
        ExecCommand exec = new ExecCommand(
                List.of("bash", "-c", command), command, Map.of(), null, false, null, PolicyProfile.GUARDED);
        Execution e = engine.executions().start(p, sandboxId, exec);
        Json.send(res, Status.OK_200, HostupJson.started(HostupApi.vpsId(sandboxId), e));
    }

    /** The {@code command} field: required, a string, not blank, at most 4096 characters. */
    static String command(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw RuncellException.invalid(FieldError.of(
                    "command", FieldError.Kind.MISSING, "The body must be a JSON object with a `command` string."));
        }
        JsonNode n = body.get("command");
        if (n == null || n.isNull()) {
            throw RuncellException.invalid(FieldError.of("command", FieldError.Kind.MISSING, "`command` is required."));
        }
        if (!n.isTextual()) {
            throw RuncellException.invalid(
                    FieldError.of("command", FieldError.Kind.INVALID_TYPE, "`command` must be a string."));
        }
        String command = n.asText();
        if (command.strip().isEmpty()) {
            throw RuncellException.invalid(
                    FieldError.of("command", FieldError.Kind.MISSING, "`command` must not be empty."));
        }
        if (command.codePointCount(0, command.length()) > MAX_COMMAND_CHARS) {
            throw RuncellException.invalid(new FieldError(
                    "command",
                    FieldError.Kind.TOO_LONG,
                    "`command` must be at most " + MAX_COMMAND_CHARS + " characters.",
                    (long) MAX_COMMAND_CHARS));
        }
        return command;
    }

    private static long pid(String text) {
        try {
            long pid = Long.parseLong(text.strip());
            if (pid < 1) {
                throw RuncellException.of(ErrorCode.EXECUTION_NOT_FOUND);
            }
            return pid;
        } catch (NumberFormatException e) {
            throw RuncellException.invalid(
                    FieldError.of("pid", FieldError.Kind.INVALID_TYPE, "pid must be an integer"));
        }
    }
}
