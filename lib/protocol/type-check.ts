/**
 * Compile-time checks that a zod schema's output fits the hand-written contract type:
 * `type _ = Assert<Fits<z.output<typeof schema>, Contract>>` stops compiling when they drift apart.
 */
export type Assert<T extends true> = T;
export type Fits<Actual, Contract> = [Actual] extends [Contract] ? true : false;
