package io.runcell.api.vast;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.runcell.api.common.Credentials;
import io.runcell.api.common.Guard;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ResultLinks;
import io.runcell.core.sandbox.Sandbox;

/**
 * Registers the Vast.ai dialect: this service under {@link #V0}, {@link #v1()} under {@link #V1}. Every path is
 * accepted with and without its trailing slash.
 */
public final class VastApi implements HttpService {

    public static final String V0 = "/api/v0";
    public static final String V1 = "/api/v1";

    private final Engine engine;
    private final ResultLinks links;
    private final String publicUrl;
    private final Guard guard;

    /**
     * @param publicUrl base URL clients reach this server at (for absolute {@code result_url}s), or null to use
     *                  each request's Host header
     */
    public VastApi(Engine engine, ResultLinks links, String publicUrl) {
        this.engine = engine;
        this.links = links;
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
        this.guard = new Guard(new VastErrors());
    }

    @Override
    public void routing(HttpRules rules) {
        new VastCommandResource(engine, this, links).register(rules, guard);
        new VastInstanceResource(engine, this).register(rules, guard);
        rules.any("/*", guard.wrap((req, res) -> {
            throw new RuncellException(ErrorCode.NOT_FOUND, "No such endpoint.");
        }));
    }

    /** The {@code /api/v1} part: the paged instance listing. */
    public HttpService v1() {
        return rules -> {
            new VastListing(engine, this).register(rules, guard);
            rules.any("/*", guard.wrap((req, res) -> {
                throw new RuncellException(ErrorCode.NOT_FOUND, "No such endpoint.");
            }));
        };
    }

    /** The caller, from {@code Authorization: Bearer} or the {@code api_key} query parameter older CLIs send. */
    Principal principal(ServerRequest req) {
        String token = Credentials.bearer(req)
                .or(() -> Credentials.query(req, "api_key"))
                .orElseThrow(() -> RuncellException.of(ErrorCode.UNAUTHORIZED));
        return engine.authenticator().authenticate(token);
    }

    /**
     * The caller's instance {@code id} (a sandbox number); anything else is not found. Not charged: the core
     * operation it is handed to charges the call's own endpoint class, so a call costs one token.
     */
    Sandbox instance(Principal caller, ServerRequest req) {
        return engine.sandboxes()
                .ownedByNumber(caller, instanceId(req.path().pathParameters().get("id")));
    }

    static long instanceId(String text) {
        try {
            long n = Long.parseLong(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through: an id that is not a positive integer names no instance
        }
        throw RuncellException.of(ErrorCode.SANDBOX_NOT_FOUND);
    }

    /** The absolute base URL of this server as the client sees it. */
    String baseUrl(ServerRequest req) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("127.0.0.1");
        return "http://" + host;
    }

    /** Registers {@code handler} for {@code path} with and without a trailing slash. */
    static void both(HttpRules rules, String method, String path, io.helidon.webserver.http.Handler handler) {
        for (String p : new String[] {path, path + "/"}) {
            switch (method) {
                case "GET" -> rules.get(p, handler);
                case "PUT" -> rules.put(p, handler);
                case "POST" -> rules.post(p, handler);
                case "DELETE" -> rules.delete(p, handler);
                default -> throw new IllegalArgumentException(method);
            }
        }
    }
}
