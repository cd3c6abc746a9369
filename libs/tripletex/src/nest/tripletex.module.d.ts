/**
 * One TripletexClient per process, configured from a TripletexServiceEnv (TRIPLETEX_BASE_URL,
 * TRIPLETEX_CONSUMER_TOKEN, TRIPLETEX_TIMEOUT_MS, TRIPLETEX_MAX_CONCURRENT_PER_COMPANY).
 */
export declare class TripletexModule {
}
