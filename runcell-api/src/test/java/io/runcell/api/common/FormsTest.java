package io.runcell.api.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormsTest {

    @Test
    void urlEncodedFieldsAreDecodedAndTheFirstOfARepeatedNameWins() {
        Map<String, Forms.Part> form = Forms.urlEncoded("session_id=abc&filename=a%2Fb+c.txt&session_id=other&flag");
        assertThat(form.get("session_id").text()).isEqualTo("abc");
        assertThat(form.get("filename").text()).isEqualTo("a/b c.txt");
        assertThat(form.get("flag").text()).isEmpty();
    }

    @Test
    void multipartPartsKeepBinaryDataAndFileNames() {
        byte[] file = {0, 13, 10, 45, 45, (byte) 0xff};
        String head = "--XyZ\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\ns1\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = "\r\n--XyZ--\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[h.length + file.length + t.length];
        System.arraycopy(h, 0, body, 0, h.length);
        System.arraycopy(file, 0, body, h.length, file.length);
        System.arraycopy(t, 0, body, h.length + file.length, t.length);

        Map<String, Forms.Part> form = Forms.multipart(body, "XyZ");
        assertThat(form.get("session_id").text()).isEqualTo("s1");
        assertThat(form.get("session_id").filename()).isNull();
        assertThat(form.get("file").filename()).isEqualTo("data.bin");
        assertThat(form.get("file").data()).isEqualTo(file);
    }

    @Test
    void unterminatedMultipartIsMalformed() {
        byte[] body = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Forms.multipart(body, "b")).isInstanceOf(MalformedBodyException.class);
    }

    @Test
    void headerParametersMayBeQuoted() {
        assertThat(Forms.parameter("multipart/form-data; boundary=\"a b\"", "boundary"))
                .contains("a b");
        assertThat(Forms.parameter("multipart/form-data;boundary=xyz", "BOUNDARY"))
                .contains("xyz");
        assertThat(Forms.parameter("multipart/form-data", "boundary")).isEmpty();
    }
}
