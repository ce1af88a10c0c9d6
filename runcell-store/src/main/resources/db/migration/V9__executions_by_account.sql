-- The cluster-wide concurrent-execution quota counts an account's queued and running executions on every node.
CREATE INDEX executions_account_status ON executions (account_id, status);
