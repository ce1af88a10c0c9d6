package io.runcell.api.vast;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Fields;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ResultLinks;
import io.runcell.core.sandbox.Sandbox;

/**
 * {@code PUT /instances/command/{id}/}: a constrained command (core policy {@code ALLOWLIST}) started in the
 * instance; its output is read, without auth, from {@code GET /results/{token}} (the {@code result_url}).
 */
final class VastCommandResource {

    static final String WRITEABLE_PATH = "/workspace";
    static final String MSG = "Command is executing, wait a few seconds and then view the result_url";
    static final String RESULTS = "/results";

    private final Engine engine;
    private final VastApi api;
    private final ResultLinks links;

    VastCommandResource(Engine engine, VastApi api, ResultLinks links) {
        this.engine = engine;
        this.api = api;
        this.links = links;
    }

    void register(HttpRules rules, Guard guard) {
        VastApi.both(rules, "PUT", "/instances/command/{id}", guard.wrap(this::execute));
        rules.get(RESULTS + "/{token}", guard.wrap(this::result));
    }

    private void execute(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        String command = f.string("command");
        if (command == null) {
            throw RuncellException.of(ErrorCode.COMMAND_NOT_ALLOWED);
        }
        ExecCommand exec = ExecCommand.constrained(command);
        Sandbox s = api.instance(p, req);
        Execution started = engine.executions().start(p, s.id(), exec);
        String url = api.baseUrl(req) + VastApi.V0 + RESULTS + "/" + links.issue(started);
        Json.send(
                res,
                Status.OK_200,
                Json.object()
                        .put("success", true)
                        .put("writeable_path", WRITEABLE_PATH)
                        .put("result_url", url)
                        .put("msg", MSG));
    }

    /** Like the S3 object Vast points at: 404 until the output is complete, 404 once the link expired. */
    private void result(ServerRequest req, ServerResponse res) {
        ResultLinks.Resolved r = links.resolve(req.path().pathParameters().get("token"));
        if (r.access() != ResultLinks.Access.READY) {
            Json.sendText(res, Status.NOT_FOUND_404, "Not Found\n");
            return;
        }
        Execution e = r.execution();
        Json.sendText(res, Status.OK_200, e.stdout() + e.stderr());
    }
}
