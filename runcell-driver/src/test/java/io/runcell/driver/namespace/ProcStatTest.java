package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
        String line = "4242 (evil) 1 2 3 (x) R 17 4242 4240 0 -1 4194560 98 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10"
                + " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStat stat = ProcStat.parse(line);
        assertThat(stat).isEqualTo(new ProcStat(4242, 'R', 17, 4240, 987654));
    }

    @Test
    void readsThisProcess() {
        long self = ProcessHandle.current().pid();
        ProcStat stat = ProcStat.read(self).orElseThrow();
        assertThat(stat.pid()).isEqualTo(self);
        assertThat(stat.ppid())
                .isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    }

    @Test
    void aMissingProcessReadsAsEmpty() {
        assertThat(ProcStat.read(Integer.MAX_VALUE)).isEmpty();
    }
}
