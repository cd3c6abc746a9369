"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TripletexModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("@nestjs/config");
const tripletex_client_1 = require("../client/tripletex.client");
let TripletexClientLifecycle = class TripletexClientLifecycle {
    client;
    constructor(client) {
        this.client = client;
    }
    onApplicationShutdown() {
        this.client.close();
    }
};
TripletexClientLifecycle = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [tripletex_client_1.TripletexClient])
], TripletexClientLifecycle);
/**
 * One TripletexClient per process, configured from a TripletexServiceEnv (TRIPLETEX_BASE_URL,
 * TRIPLETEX_CONSUMER_TOKEN, TRIPLETEX_TIMEOUT_MS, TRIPLETEX_MAX_CONCURRENT_PER_COMPANY).
 */
let TripletexModule = class TripletexModule {
};
exports.TripletexModule = TripletexModule;
exports.TripletexModule = TripletexModule = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({
        providers: [
            {
                provide: tripletex_client_1.TripletexClient,
                inject: [config_1.ConfigService],
                useFactory: (config) => new tripletex_client_1.TripletexClient({
                    baseUrl: config.getOrThrow('TRIPLETEX_BASE_URL'),
                    consumerToken: config.getOrThrow('TRIPLETEX_CONSUMER_TOKEN'),
                    timeoutMs: config.get('TRIPLETEX_TIMEOUT_MS'),
                    maxConcurrentPerCompany: config.get('TRIPLETEX_MAX_CONCURRENT_PER_COMPANY'),
                    logger: new common_1.Logger('Tripletex'),
                }),
            },
            TripletexClientLifecycle,
        ],
        exports: [tripletex_client_1.TripletexClient],
    })
], TripletexModule);
//# sourceMappingURL=tripletex.module.js.map