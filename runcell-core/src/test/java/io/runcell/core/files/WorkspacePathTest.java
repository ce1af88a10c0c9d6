package io.runcell.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.error.RuncellException;
import org.junit.jupiter.api.Test;

class WorkspacePathTest {

    @Test
    void relativeAndAbsoluteFormsNameTheSameFile() {
        assertThat(WorkspacePath.parse("p", "data/x.csv").absolute()).isEqualTo("/workspace/data/x.csv");
        assertThat(WorkspacePath.parse("p", "/workspace/data//./x.csv").absolute())
                .isEqualTo("/workspace/data/x.csv");
    }

    @Test
    void traversalAndPathsOutsideTheWorkspaceAreRejected() {
        for (String bad : new String[] {
            "../etc/passwd",
            "/workspace/../etc/passwd",
            "a/../../b",
            "/etc/passwd",
            "/workspacex/a",
            "",
            " ",
            "/workspace",
            "a\0b"
        }) {
            assertThatThrownBy(() -> WorkspacePath.parse("remote_path", bad))
                    .as(bad)
                    .isInstanceOf(RuncellException.class);
        }
    }
}
