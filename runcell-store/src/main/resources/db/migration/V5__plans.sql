-- Plans as data: per-account rates by endpoint class (requests per second, 0 = unlimited) and the program
-- allowlist of the allowlist policy (Vast's execute), as a JSON array. Seeds free, pro and unlimited; keeps default.

ALTER TABLE plans ADD COLUMN exec_rate_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN manage_rate_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN read_rate_per_second DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN command_allowlist TEXT NOT NULL DEFAULT '["ls","rm","du"]';

INSERT INTO plans (name, max_sandboxes, max_concurrent_executions, default_lifetime_seconds, max_lifetime_seconds,
                   default_memory_mb, max_memory_mb, default_vcpus, max_vcpus, default_pids_max, max_pids_max,
                   default_exec_timeout_seconds, max_exec_timeout_seconds, output_cap_bytes,
                   exec_rate_per_second, manage_rate_per_second, read_rate_per_second, command_allowlist)
VALUES ('free', 2, 2, 3600, 3600, 256, 512, 1, 1, 128, 256, 60, 300, 262144, 2, 1, 5, '["ls","rm","du"]');

INSERT INTO plans (name, max_sandboxes, max_concurrent_executions, default_lifetime_seconds, max_lifetime_seconds,
                   default_memory_mb, max_memory_mb, default_vcpus, max_vcpus, default_pids_max, max_pids_max,
                   default_exec_timeout_seconds, max_exec_timeout_seconds, output_cap_bytes,
                   exec_rate_per_second, manage_rate_per_second, read_rate_per_second, command_allowlist)
VALUES ('pro', 20, 16, 0, 86400, 512, 4096, 1, 4, 256, 2048, 300, 3600, 1048576, 20, 5, 50, '["ls","rm","du"]');

INSERT INTO plans (name, max_sandboxes, max_concurrent_executions, default_lifetime_seconds, max_lifetime_seconds,
                   default_memory_mb, max_memory_mb, default_vcpus, max_vcpus, default_pids_max, max_pids_max,
                   default_exec_timeout_seconds, max_exec_timeout_seconds, output_cap_bytes,
                   exec_rate_per_second, manage_rate_per_second, read_rate_per_second, command_allowlist)
VALUES ('unlimited', 100000, 100000, 0, 2592000, 512, 65536, 1, 64, 256, 65536, 300, 86400, 16777216, 0, 0, 0,
        '["ls","rm","du"]');
