/** Agent tokens look different from people's API tokens, so neither can pass for the other. */
export const AGENT_TOKEN_PREFIX = "sya_";
