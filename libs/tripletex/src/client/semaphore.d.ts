/** At most `limit` tasks at a time; the rest wait in arrival order. */
export declare class Semaphore {
    private readonly limit;
    private active;
    private readonly waiting;
    constructor(limit: number);
    run<T>(task: () => Promise<T>): Promise<T>;
    get pending(): number;
}
