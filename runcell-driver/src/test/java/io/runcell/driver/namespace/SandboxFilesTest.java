package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxFilesTest {

    @TempDir
    Path root;

    @Test
    void deletingATreeUnlinksSymlinksWithoutFollowingThem() throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Path tree = Files.createDirectories(root.resolve("tree/sub"));
        Files.createSymbolicLink(tree.resolve("dir-link"), outside);
        Files.createSymbolicLink(tree.resolve("file-link"), outside.resolve("keep"));
        Files.writeString(tree.resolve("own"), "y");

        SandboxFiles.emptyDir(root.resolve("tree"));
        assertThat(root.resolve("tree")).isEmptyDirectory();
        SandboxFiles.deleteTree(root.resolve("tree"));
        assertThat(root.resolve("tree")).doesNotExist();
        assertThat(outside.resolve("keep")).hasContent("x");
    }

    @Test
    void aSymlinkAsTheRootIsRemovedNotFollowed() throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Path link = Files.createSymbolicLink(root.resolve("link"), outside);
        SandboxFiles.deleteTree(link);
        assertThat(outside.resolve("keep")).exists();
    }
}
