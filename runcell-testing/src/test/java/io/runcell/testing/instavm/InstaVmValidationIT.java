package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FastAPI's exact 422 shapes with pydantic v2's wording, all field errors of a body at once. */
class InstaVmValidationIT {

    static TestServer server;
    static InstaVmFixture api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new InstaVmFixture(server, server.newAccountKey("validation"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assert422(Http.Response r, String detailJson) {
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.body()).isEqualTo("{\"detail\":" + detailJson + "}");
    }

    static String item(String loc, String msg, String type) {
        return "{\"loc\":" + loc + ",\"msg\":\"" + msg + "\",\"type\":\"" + type + "\"}";
    }

    @Test
    void timeoutBoundsAreFastApiErrors() {
        assert422(
                api.http.post("/execute", "{\"command\":\"print(1)\",\"timeout\":601}"),
                "[" + item("[\"body\",\"timeout\"]", "Input should be less than or equal to 600", "less_than_equal")
                        + "]");
        assert422(
                api.http.post("/execute_async", "{\"command\":\"print(1)\",\"timeout\":0}"),
                "[" + item("[\"body\",\"timeout\"]", "Input should be greater than or equal to 1", "greater_than_equal")
                        + "]");
    }

    @Test
    void wrongTypesAreAllReportedAtOnceInFieldOrder() {
        assert422(
                api.http.post(
                        "/execute", "{\"command\":5,\"session_id\":[],\"timeout\":\"soon\",\"vault_ids\":[\"v\",3]}"),
                "[" + item("[\"body\",\"command\"]", "Input should be a valid string", "string_type")
                        + "," + item("[\"body\",\"session_id\"]", "Input should be a valid string", "string_type")
                        + ","
                        + item(
                                "[\"body\",\"timeout\"]",
                                "Input should be a valid integer, unable to parse string as an integer",
                                "int_parsing")
                        + "," + item("[\"body\",\"vault_ids\",1]", "Input should be a valid string", "string_type")
                        + "]");
    }

    @Test
    void numericStringsAreCoercedLikePydanticLaxMode() {
        Http.Response r = api.http.post("/execute", "{\"command\":\"print('lax')\",\"timeout\":\"30\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("stdout").asText()).isEqualTo("lax\n");
        assert422(
                api.http.post("/execute", "{\"command\":\"print(1)\",\"timeout\":1.5}"),
                "["
                        + item(
                                "[\"body\",\"timeout\"]",
                                "Input should be a valid integer, got a number with a fractional part",
                                "int_from_float")
                        + "]");
    }

    @Test
    void malformedJsonIsJsonInvalid() {
        Http.Response r = api.http.post("/execute", "{\"command\": ");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("detail").get(0).get("type").asText()).isEqualTo("json_invalid");
        assertThat(r.json().get("detail").get(0).get("msg").asText()).isEqualTo("JSON decode error");
        assertThat(r.json().get("detail").get(0).get("loc").get(0).asText()).isEqualTo("body");
        assertThat(r.json().get("detail").get(0).get("loc").get(1).isInt()).isTrue();
    }

    @Test
    void missingAndNonObjectBodies() {
        assert422(api.http.post("/execute", ""), "[" + item("[\"body\"]", "Field required", "missing") + "]");
        assert422(
                api.http.post("/execute", "[1,2]"),
                "["
                        + item(
                                "[\"body\"]",
                                "Input should be a valid dictionary or object to extract fields from",
                                "model_attributes_type")
                        + "]");
    }

    @Test
    void commandOrCodeIsRequiredAndLanguageIsPythonOrBash() {
        assert422(
                api.http.post("/execute", "{\"language\":\"bash\"}"),
                "[" + item("[\"body\"]", "Value error, Either command or code must be provided", "value_error") + "]");
        assert422(
                api.http.post("/execute", "{\"command\":\"puts 1\",\"language\":\"ruby\"}"),
                "[" + item("[\"body\",\"language\"]", "Input should be 'python' or 'bash'", "literal_error") + "]");
    }

    @Test
    void everyUnknownVaultIsRejectedAtItsIndex() {
        assert422(
                api.http.post("/execute", "{\"command\":\"print(1)\",\"vault_ids\":[\"vlt_a\",\"vlt_b\"]}"),
                "[" + item("[\"body\",\"vault_ids\",0]", "Value error, Unknown vault id", "value_error") + ","
                        + item("[\"body\",\"vault_ids\",1]", "Value error, Unknown vault id", "value_error") + "]");
        assertThat(api.http
                        .post("/execute", "{\"command\":\"print(1)\",\"vault_ids\":[]}")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void sessionFieldsAreValidated() {
        assert422(
                api.http.post(
                        "/v1/sessions/session",
                        "{\"vm_lifetime_seconds\":19,\"memory_mb\":9000,\"metadata\":[],\"env\":{\"A\":1}}"),
                "["
                        + item(
                                "[\"body\",\"vm_lifetime_seconds\"]",
                                "Input should be greater than or equal to 20",
                                "greater_than_equal")
                        + ","
                        + item(
                                "[\"body\",\"memory_mb\"]",
                                "Input should be less than or equal to 8192",
                                "less_than_equal")
                        + "," + item("[\"body\",\"metadata\"]", "Input should be a valid dictionary", "dict_type")
                        + "," + item("[\"body\",\"env\",\"A\"]", "Input should be a valid string", "string_type")
                        + "]");
        assert422(
                api.http.post("/v1/sessions/session", "{\"vm_lifetime_seconds\":86401,\"memory_mb\":127}"),
                "["
                        + item(
                                "[\"body\",\"vm_lifetime_seconds\"]",
                                "Input should be less than or equal to 86400",
                                "less_than_equal")
                        + ","
                        + item(
                                "[\"body\",\"memory_mb\"]",
                                "Input should be greater than or equal to 128",
                                "greater_than_equal")
                        + "]");
        // within InstaVM's range but above the plan's vCPU cap: the core's bound, in the same shape
        assert422(
                api.http.post("/v1/sessions/session", "{\"vcpu_count\":8}"),
                "[" + item("[\"body\",\"vcpu_count\"]", "Input should be less than or equal to 4", "less_than_equal")
                        + "]");
        assert422(
                api.http.post("/kill", "{}"),
                "[" + item("[\"body\",\"session_id\"]", "Field required", "missing") + "]");
        assert422(
                api.http.get("/v1/sessions/sandboxes?limit=0"),
                "[" + item("[\"query\",\"limit\"]", "Input should be greater than or equal to 1", "greater_than_equal")
                        + "]");
    }

    @Test
    void unknownSessionIsNotFound() {
        Http.Response r = api.http.post(
                "/execute", "{\"command\":\"print(1)\",\"session_id\":\"00000000-0000-0000-0000-000000000000\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"detail\":\"Session not found\"}");
        assertThat(api.http.get("/v1/sessions/status/not-a-uuid").body())
                .isEqualTo("{\"detail\":\"Session not found\"}");
    }

    @Test
    void unknownTaskIsNotFoundInDetailShape() {
        // a well-formed task id that names no execution (429s in the same shape: InstaVmRateLimitIT)
        Http.Response r = api.http.get("/v1/executions/exe_01J00000000000000000000000");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"detail\":\"Task not found\"}");
    }

    @Test
    void aListThatIsNotAListIsListTypeAndANullIntegerIsIntType() {
        assert422(
                api.http.post("/execute", "{\"command\":\"print(1)\",\"vault_ids\":\"vlt_a\"}"),
                "[" + item("[\"body\",\"vault_ids\"]", "Input should be a valid list", "list_type") + "]");
        // timeout is an int with a default, not Optional[int]: an explicit null is refused
        assert422(
                api.http.post("/execute_async", "{\"command\":\"print(1)\",\"timeout\":null}"),
                "[" + item("[\"body\",\"timeout\"]", "Input should be a valid integer", "int_type") + "]");
        // while vault_ids is Optional[List[str]]: null is accepted
        Http.Response ok = api.http.post("/execute", "{\"command\":\"print(2)\",\"vault_ids\":null}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void anUnparseableMultipartFormIs400() {
        String expected = "{\"detail\":\"There was an error parsing the body\"}";
        // no boundary in the Content-Type
        Http.Response noBoundary =
                api.http.send("POST", "/upload", "--x\r\n\r\n--x--\r\n", Map.of("Content-Type", "multipart/form-data"));
        assertThat(noBoundary.status()).isEqualTo(400);
        assertThat(noBoundary.header("content-type")).startsWith("application/json");
        assertThat(noBoundary.body()).isEqualTo(expected);
        // a part that never ends
        Http.Response unterminated = api.http.send(
                "POST",
                "/upload",
                "--b\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\nabc",
                Map.of("Content-Type", "multipart/form-data; boundary=b"));
        assertThat(unterminated.status()).isEqualTo(400);
        assertThat(unterminated.body()).isEqualTo(expected);
        // /download reads forms too: a multipart body without any delimiter
        Http.Response download = api.http.send(
                "POST", "/download", "no delimiter here", Map.of("Content-Type", "multipart/form-data; boundary=b"));
        assertThat(download.status()).isEqualTo(400);
        assertThat(download.body()).isEqualTo(expected);
    }

    @Test
    void downloadNeedsASessionIdAndAPath() {
        assert422(
                api.http.post("/download", "{}"),
                "[" + item("[\"body\",\"session_id\"]", "Field required", "missing") + ","
                        + item("[\"body\",\"remote_path\"]", "Field required", "missing") + "]");
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        assert422(
                api.http.send("POST", "/download", "remote_path=a.txt", form),
                "[" + item("[\"body\",\"session_id\"]", "Field required", "missing") + "]");
        assert422(
                api.http.send("POST", "/download", "session_id=00000000-0000-0000-0000-000000000000", form),
                "[" + item("[\"body\",\"remote_path\"]", "Field required", "missing") + "]");
    }
}
