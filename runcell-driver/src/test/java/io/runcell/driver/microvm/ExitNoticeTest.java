package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The exit notice's name format and the board that matches notices to waiting executions. */
class ExitNoticeTest {

    @Test
    void aNoticeNameCarriesPidCpuAndOomKills() {
        assertThat(ExitNotice.parse("4711-15230-0")).contains(new ExitNotice(4711, 15230, 0));
        assertThat(ExitNotice.parse("12-0-3")).contains(new ExitNotice(12, 0, 3));
    }

    @Test
    void anyOtherNameIsNoNotice() {
        for (String name : new String[] {
            "",
            "4711",
            "4711-1",
            "4711-1-0-9",
            "-1-0",
            "4711--0",
            "0-1-0",
            "47a1-1-0",
            "4711-+1-0",
            "4711- 1-0",
            "4711-1-0.tmp",
            "../etc-1-0",
            "1234567890123456789-1-0"
        }) {
            assertThat(ExitNotice.parse(name)).as(name).isEmpty();
        }
    }

    @Test
    void aNoticeReachesTheExecutionWaitingForItsPid() {
        ExitNoticeBoard<ExitNotice> board = new ExitNoticeBoard<>(ExitNotice::pid);
        CompletableFuture<ExitNotice> five = board.expect(5);
        CompletableFuture<ExitNotice> six = board.expect(6);
        assertThat(board.delivered()).isFalse();

        board.post(new ExitNotice(6, 100, 0));

        assertThat(six).isCompletedWithValue(new ExitNotice(6, 100, 0));
        assertThat(five).isNotDone();
        assertThat(board.delivered()).isTrue();
    }

    @Test
    void aNoticeThatArrivesBeforeItsExecutionWaitsIsKeptForIt() {
        ExitNoticeBoard<ExitNotice> board = new ExitNoticeBoard<>(ExitNotice::pid);
        board.post(new ExitNotice(7, 1, 0));

        assertThat(board.expect(7)).isCompletedWithValue(new ExitNotice(7, 1, 0));
        assertThat(board.expect(7)).as("taken once").isNotDone();
    }

    @Test
    void afterATakenNoticeTheExecutionCanWaitForANewerOne() {
        ExitNoticeBoard<ExitNotice> board = new ExitNoticeBoard<>(ExitNotice::pid);
        board.expect(8);
        board.post(new ExitNotice(8, 1, 0)); // forged, say: the agent says the process still runs
        CompletableFuture<ExitNotice> real = board.expect(8);
        assertThat(real).isNotDone();

        board.post(new ExitNotice(8, 900, 1));

        assertThat(real).isCompletedWithValue(new ExitNotice(8, 900, 1));
    }

    @Test
    void unclaimedNoticesAreBoundedAndForgottenOnes() {
        ExitNoticeBoard<ExitNotice> board = new ExitNoticeBoard<>(ExitNotice::pid);
        for (long pid = 1; pid <= ExitNoticeBoard.MAX_UNCLAIMED + 10; pid++) {
            board.post(new ExitNotice(pid, 0, 0));
        }
        assertThat(board.expect(1)).as("the oldest were dropped").isNotDone();
        assertThat(board.expect(ExitNoticeBoard.MAX_UNCLAIMED + 10)).isDone();

        board.post(new ExitNotice(500, 0, 0));
        board.forget(500);
        assertThat(board.expect(500)).as("forgotten with its execution").isNotDone();
    }
}
