/** NOTIFY channel that wakes the run executor when something a run waits for has happened. */
export const RUN_EXECUTOR_CHANNEL = "run_executor";
