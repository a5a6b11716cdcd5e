/** An LSN (decimal string) as a number that compares exactly. */
export const bigintOf = (value: string | null) => (value === null ? null : BigInt(value));
