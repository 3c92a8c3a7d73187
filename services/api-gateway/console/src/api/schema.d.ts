// Generated from the gateway's /openapi.json by scripts/api-types.ts; do not edit.
export type paths = {
    "/admin/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List admin API keys (never the keys themselves) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                lastUsedAt: string | null;
                                name: string;
                                /** @description to tell keys apart without the secret: `osk_` for a generated key and the last 4 characters, e.g. `osk_…x9Qa` */
                                prefix: string;
                                revokedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an admin API key; the response is the only time the key is shown */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            key: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description to tell keys apart without the secret: `osk_` for a generated key and the last 4 characters, e.g. `osk_…x9Qa` */
                            prefix: string;
                            revokedAt: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an admin API key; it stops working at once */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            /** @description to tell keys apart without the secret: `osk_` for a generated key and the last 4 characters, e.g. `osk_…x9Qa` */
                            prefix: string;
                            revokedAt: string | null;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/contacts/{id}/linked-ids": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One person's ids in every app and on every Page of the business (ids_for_apps / ids_for_pages); stored as contact identities
         * @description Asks Meta with the integration's Page token and appsecret_proof and follows paging. While Meta reviews the app's first use of ID matching (about 48 h) the answer is 409 with code GW_CONFLICT. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query: {
                    /** @description the Messenger integration whose Page the PSID belongs to */
                    integrationId: string;
                };
                header?: never;
                path: {
                    /** @description the contact's PSID */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apps: {
                                appId: string;
                                appName: string | null;
                                /** @description the person's app-scoped id in that app */
                                id: string;
                            }[];
                            contactId: string;
                            integrationId: string;
                            pageId: string;
                            pages: {
                                /** @description the person's page-scoped id (PSID) on that Page */
                                id: string;
                                pageId: string;
                                pageName: string | null;
                            }[];
                            /**
                             * Format: date-time
                             * @description when Meta was asked
                             */
                            refreshedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List dead-lettered send commands, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    /** @description e.g. GRAPH_131047, SENDER_INVALID_COMMAND */
                    errorCode?: string;
                    integrationId?: string;
                    limit?: number;
                    /** @description invalid, retries_exhausted, non_retryable, needs_reauth_timeout, marketing_opted_out, in_doubt, or unparseable */
                    reason?: string;
                    replayed?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                attempts: number;
                                channel: string | null;
                                commandId: string | null;
                                /** Format: date-time */
                                deadLetteredAt: string;
                                /** @description the last attempt's error code */
                                errorCode: string | null;
                                errorMessage: string | null;
                                id: number;
                                integrationId: string | null;
                                offset: string;
                                partition: number;
                                reason: string;
                                /** Format: date-time */
                                receivedAt: string;
                                /** @description the DLQ record as consumed: command, every error, attempts */
                                record: unknown;
                                replayCount: number;
                                replayedAt: string | null;
                                topic: string;
                            }[];
                            /** @description pass as cursor for the next page */
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/dlq/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put dead-lettered commands back on the outbound topic (same commandId)
         * @description A command that failed is requeued in outbound_messages so the sender sends it again; one that was sent meanwhile is skipped (already_sent), as are invalid commands (invalid_command: fix and send them as new messages) and records that could not be read.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description replay what matches, oldest first; only dead letters not replayed yet unless replayed is set */
                        filter?: {
                            /** @description e.g. GRAPH_131047, SENDER_INVALID_COMMAND */
                            errorCode?: string;
                            integrationId?: string;
                            /** @description invalid, retries_exhausted, non_retryable, needs_reauth_timeout, marketing_opted_out, in_doubt, or unparseable */
                            reason?: string;
                            /** @default false */
                            replayed?: boolean;
                        };
                        /** @description dead letters to replay */
                        ids?: number[];
                        /**
                         * @description most dead letters replayed by a filter
                         * @default 100
                         */
                        limit?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description a replay by filter stopped at its limit; more dead letters match */
                            more: boolean;
                            replayed: {
                                commandId: string;
                                id: number;
                            }[];
                            skipped: {
                                commandId: string | null;
                                id: number;
                                message: string;
                                /** @enum {string} */
                                reason: "not_found" | "invalid_command" | "unparseable_record" | "already_sent" | "publish_failed";
                            }[];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/fbe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List FBE installations with the features the gateway runs for each */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    limit?: number;
                    status?: "installed" | "uninstalled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                assets: {
                                    adAccountId: string | null;
                                    catalogId: string | null;
                                    commerceMerchantSettingsId: string | null;
                                    instagramProfiles: string[];
                                    pages: string[];
                                    pixelId: string | null;
                                };
                                businessManagerId: string | null;
                                /** @description feature types the gateway runs for this business */
                                enabledFeatures: string[];
                                externalBusinessId: string;
                                features: {
                                    connectedAssets: {
                                        [key: string]: string;
                                    };
                                    /** @description why it is off: a required asset was not granted, unknown type, no longer installed, uninstalled */
                                    disabledReason: ("missing_assets" | "unsupported_feature" | "feature_removed" | "uninstalled") | null;
                                    /** @description whether the gateway runs this feature for the business */
                                    enabled: boolean;
                                    featureInstanceId: string;
                                    featureName: string | null;
                                    featureType: string;
                                    /** @description required assets that were not granted */
                                    missingAssets: string[];
                                }[];
                                installedAt: string | null;
                                /**
                                 * Format: date-time
                                 * @description Meta's time of the newest event applied
                                 */
                                lastEventAt: string;
                                reconciledAt: string | null;
                                /** @enum {string} */
                                status: "installed" | "uninstalled";
                                systemUserToken: {
                                    /** @description false: Meta was not asked for the expiry, so expiresAt is unknown */
                                    checked: boolean;
                                    expiresAt: string | null;
                                    last4: string;
                                    obtainedAt: string | null;
                                    scopes: string[];
                                    type: string | null;
                                } | null;
                                /** @description the token delivered with the install webhook (never the token itself) */
                                token: {
                                    last4: string;
                                    type: string | null;
                                } | null;
                                uninstalledAt: string | null;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/fbe/{externalBusinessId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One FBE installation: assets, features and token metadata */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description fbe_external_business_id */
                    externalBusinessId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            assets: {
                                adAccountId: string | null;
                                catalogId: string | null;
                                commerceMerchantSettingsId: string | null;
                                instagramProfiles: string[];
                                pages: string[];
                                pixelId: string | null;
                            };
                            businessManagerId: string | null;
                            /** @description feature types the gateway runs for this business */
                            enabledFeatures: string[];
                            externalBusinessId: string;
                            features: {
                                connectedAssets: {
                                    [key: string]: string;
                                };
                                /** @description why it is off: a required asset was not granted, unknown type, no longer installed, uninstalled */
                                disabledReason: ("missing_assets" | "unsupported_feature" | "feature_removed" | "uninstalled") | null;
                                /** @description whether the gateway runs this feature for the business */
                                enabled: boolean;
                                featureInstanceId: string;
                                featureName: string | null;
                                featureType: string;
                                /** @description required assets that were not granted */
                                missingAssets: string[];
                            }[];
                            installedAt: string | null;
                            /**
                             * Format: date-time
                             * @description Meta's time of the newest event applied
                             */
                            lastEventAt: string;
                            reconciledAt: string | null;
                            /** @enum {string} */
                            status: "installed" | "uninstalled";
                            systemUserToken: {
                                /** @description false: Meta was not asked for the expiry, so expiresAt is unknown */
                                checked: boolean;
                                expiresAt: string | null;
                                last4: string;
                                obtainedAt: string | null;
                                scopes: string[];
                                type: string | null;
                            } | null;
                            /** @description the token delivered with the install webhook (never the token itself) */
                            token: {
                                last4: string;
                                type: string | null;
                            } | null;
                            uninstalledAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/fbe/{externalBusinessId}/features": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The business's FBE feature configuration (GET /fbe_business)
         * @description When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description fbe_external_business_id */
                    externalBusinessId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Meta's fbe_business configuration, verbatim */
                            businessConfig: {
                                [key: string]: unknown;
                            };
                            externalBusinessId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Update the FBE feature configuration (POST /fbe_business) and return it as Meta now has it
         * @description When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description fbe_external_business_id */
                    externalBusinessId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        businessConfig: {
                            [key: string]: {
                                [key: string]: unknown;
                            } | {
                                [key: string]: unknown;
                            }[];
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Meta's fbe_business configuration, verbatim */
                            businessConfig: {
                                [key: string]: unknown;
                            };
                            externalBusinessId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/fbe/{externalBusinessId}/installs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Reconcile with Meta's fbe_installs: update the installation from Meta's answer; one Meta no longer lists becomes uninstalled
         * @description When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description fbe_external_business_id */
                    externalBusinessId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false when a newer webhook was applied meanwhile, which then stands */
                            applied: boolean;
                            installation: {
                                assets: {
                                    adAccountId: string | null;
                                    catalogId: string | null;
                                    commerceMerchantSettingsId: string | null;
                                    instagramProfiles: string[];
                                    pages: string[];
                                    pixelId: string | null;
                                };
                                businessManagerId: string | null;
                                /** @description feature types the gateway runs for this business */
                                enabledFeatures: string[];
                                externalBusinessId: string;
                                features: {
                                    connectedAssets: {
                                        [key: string]: string;
                                    };
                                    /** @description why it is off: a required asset was not granted, unknown type, no longer installed, uninstalled */
                                    disabledReason: ("missing_assets" | "unsupported_feature" | "feature_removed" | "uninstalled") | null;
                                    /** @description whether the gateway runs this feature for the business */
                                    enabled: boolean;
                                    featureInstanceId: string;
                                    featureName: string | null;
                                    featureType: string;
                                    /** @description required assets that were not granted */
                                    missingAssets: string[];
                                }[];
                                installedAt: string | null;
                                /**
                                 * Format: date-time
                                 * @description Meta's time of the newest event applied
                                 */
                                lastEventAt: string;
                                reconciledAt: string | null;
                                /** @enum {string} */
                                status: "installed" | "uninstalled";
                                systemUserToken: {
                                    /** @description false: Meta was not asked for the expiry, so expiresAt is unknown */
                                    checked: boolean;
                                    expiresAt: string | null;
                                    last4: string;
                                    obtainedAt: string | null;
                                    scopes: string[];
                                    type: string | null;
                                } | null;
                                /** @description the token delivered with the install webhook (never the token itself) */
                                token: {
                                    last4: string;
                                    type: string | null;
                                } | null;
                                uninstalledAt: string | null;
                                /** Format: date-time */
                                updatedAt: string;
                            };
                            /** @description whether Meta still lists an install for the business */
                            metaInstalled: boolean;
                            /** @enum {string} */
                            statusBefore: "installed" | "uninstalled";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/fbe/{externalBusinessId}/system-user-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange the install's token for the business's system-user token (stored encrypted; only its last 4 characters are shown)
         * @description When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description fbe_external_business_id */
                    externalBusinessId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description manage_business_extension, plus ads_management / catalog_management as needed
                         * @default [
                         *       "manage_business_extension"
                         *     ]
                         */
                        scopes?: string[];
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checked: boolean;
                            /** @description null: never expires, or unknown when checked is false */
                            expiresAt: string | null;
                            externalBusinessId: string;
                            last4: string;
                            scopes: string[];
                            type: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List integrations, oldest first, a page at a time (pass nextCursor back as cursor) */
        get: {
            parameters: {
                query?: {
                    channel?: "whatsapp" | "messenger" | "instagram";
                    connectionStatus?: "pending" | "connected" | "error";
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    limit?: number;
                    status?: "active" | "disabled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                businessManagerId: string | null;
                                /** @enum {string} */
                                channel: "whatsapp" | "messenger" | "instagram";
                                /** @description Meta's answer at the last token check, as Meta wrote it */
                                connectionError: {
                                    code?: number;
                                    message: string;
                                    subcode?: number;
                                } | null;
                                /**
                                 * @description pending until Meta accepts the token, connected after, error when Meta refused it
                                 * @enum {string}
                                 */
                                connectionStatus: "pending" | "connected" | "error";
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: uuid */
                                id: string;
                                igUserId: string | null;
                                name: string | null;
                                /** @description Meta refused the token while sending; rotate it */
                                needsReauth: boolean;
                                pageId: string | null;
                                phoneNumberId: string | null;
                                rotatedAt: string | null;
                                /** @enum {string} */
                                status: "active" | "disabled";
                                tokenExpiresAt: string | null;
                                tokenLast4: string;
                                /** @enum {string} */
                                tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                                /** Format: date-time */
                                updatedAt: string;
                                verifiedAt: string | null;
                                wabaId: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Connect a WhatsApp number, Messenger Page or Instagram account and check its token with Meta
         * @description The token is stored encrypted and never shown again. It is checked with Meta at once: `connectionStatus` becomes `connected`, or `error` with Meta’s message in `connectionError`. When Meta cannot be reached the integration stays `pending` and `verificationDeferred` says why. 409 when an active integration already exists for the same account.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        businessManagerId: string;
                        /** @enum {string} */
                        channel: "whatsapp";
                        name?: string;
                        phoneNumberId: string;
                        /** @description stored encrypted; never shown again, only its last 4 characters */
                        token: string;
                        /** @description when the token expires; null or absent: it does not (system-user and page tokens) */
                        tokenExpiresAt?: string | null;
                        /**
                         * @description default system_user (a permanent token of a Business Manager system user)
                         * @default system_user
                         * @enum {string}
                         */
                        tokenType?: "system_user" | "business_integration" | "user";
                        wabaId: string;
                    } | {
                        businessManagerId?: string;
                        /** @enum {string} */
                        channel: "messenger";
                        name?: string;
                        pageId: string;
                        /** @description stored encrypted; never shown again, only its last 4 characters */
                        token: string;
                        /** @description when the token expires; null or absent: it does not (system-user and page tokens) */
                        tokenExpiresAt?: string | null;
                        /**
                         * @default page
                         * @enum {string}
                         */
                        tokenType?: "page";
                    } | {
                        businessManagerId?: string;
                        /** @enum {string} */
                        channel: "instagram";
                        /** @description the professional account id (`user_id` of GET graph.instagram.com/me) */
                        igUserId: string;
                        name?: string;
                        /** @description stored encrypted; never shown again, only its last 4 characters */
                        token: string;
                        /** @description when the token expires; null or absent: it does not (system-user and page tokens) */
                        tokenExpiresAt?: string | null;
                        /**
                         * @default instagram_user
                         * @enum {string}
                         */
                        tokenType?: "instagram_user";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            businessManagerId: string | null;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description Meta's answer at the last token check, as Meta wrote it */
                            connectionError: {
                                code?: number;
                                message: string;
                                subcode?: number;
                            } | null;
                            /**
                             * @description pending until Meta accepts the token, connected after, error when Meta refused it
                             * @enum {string}
                             */
                            connectionStatus: "pending" | "connected" | "error";
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            igUserId: string | null;
                            name: string | null;
                            /** @description Meta refused the token while sending; rotate it */
                            needsReauth: boolean;
                            pageId: string | null;
                            phoneNumberId: string | null;
                            rotatedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            tokenExpiresAt: string | null;
                            tokenLast4: string;
                            /** @enum {string} */
                            tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description present when Meta could not check the token (unreachable, throttled): why. It stays pending; POST /admin/integrations/{id}/verify checks it again */
                            verificationDeferred?: string;
                            verifiedAt: string | null;
                            wabaId: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one integration (never its token) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            businessManagerId: string | null;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description Meta's answer at the last token check, as Meta wrote it */
                            connectionError: {
                                code?: number;
                                message: string;
                                subcode?: number;
                            } | null;
                            /**
                             * @description pending until Meta accepts the token, connected after, error when Meta refused it
                             * @enum {string}
                             */
                            connectionStatus: "pending" | "connected" | "error";
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            igUserId: string | null;
                            name: string | null;
                            /** @description Meta refused the token while sending; rotate it */
                            needsReauth: boolean;
                            pageId: string | null;
                            phoneNumberId: string | null;
                            rotatedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            tokenExpiresAt: string | null;
                            tokenLast4: string;
                            /** @enum {string} */
                            tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                            /** Format: date-time */
                            updatedAt: string;
                            verifiedAt: string | null;
                            wabaId: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename an integration, set its WABA or Business Manager, or enable / disable it */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        businessManagerId?: string | null;
                        name?: string | null;
                        /**
                         * @description active again: refused with 409 while another active integration has the same account
                         * @enum {string}
                         */
                        status?: "active" | "disabled";
                        /** @description WhatsApp integrations only */
                        wabaId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            businessManagerId: string | null;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description Meta's answer at the last token check, as Meta wrote it */
                            connectionError: {
                                code?: number;
                                message: string;
                                subcode?: number;
                            } | null;
                            /**
                             * @description pending until Meta accepts the token, connected after, error when Meta refused it
                             * @enum {string}
                             */
                            connectionStatus: "pending" | "connected" | "error";
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            igUserId: string | null;
                            name: string | null;
                            /** @description Meta refused the token while sending; rotate it */
                            needsReauth: boolean;
                            pageId: string | null;
                            phoneNumberId: string | null;
                            rotatedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            tokenExpiresAt: string | null;
                            tokenLast4: string;
                            /** @enum {string} */
                            tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                            /** Format: date-time */
                            updatedAt: string;
                            verifiedAt: string | null;
                            wabaId: string | null;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/admin/integrations/{id}/attachments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a customer's Messenger or Instagram attachment through the gateway
         * @description `url` is the attachment's `payload.url` from an inbound event (`fetchPath` is this path with it). Only Meta's CDN hosts (MEDIA_ALLOWED_HOSTS) are fetched. Meta's CDN URLs expire: an expired one → 410 (Meta does not renew it; the customer must send the file again). Streams the file as it arrives from Meta (never whole in memory), with Content-Type, Content-Length when Meta gives it, Content-Disposition, and, for WhatsApp, ETag = Meta's sha256 (If-None-Match → 304). The bytes are hashed while they stream; when they do not match Meta's sha256 the response is cut before its last bytes (the client sees an incomplete body) and the mismatch is logged. The integration's token is used and never shown. Media are served with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy; only common pictures, audio and video are `inline`. Too large for MEDIA_MAX_BYTES → 413. A host outside MEDIA_ALLOWED_HOSTS (first URL or redirect) → 502, with no request made to it. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query: {
                    /** @description the name in Content-Disposition (e.g. a document's `media.filename`); default: Meta's, or <mediaId>.<extension> */
                    filename?: string;
                    url: string;
                };
                header?: never;
                path: {
                    /** @description integration id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the conversations of an integration, the one with the newest message first
         * @description A conversation is the integration and one customer. Counts and the last message cover received messages (kept MESSAGE_LOG_RETENTION_DAYS) and sends (kept RETENTION_OUTBOUND_DAYS).
         */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description integration id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                contactId: string;
                                /** @description messages received from the customer */
                                inboundCount: number;
                                /** @enum {string} */
                                lastDirection: "in" | "out";
                                /** Format: date-time */
                                lastMessageAt: string;
                                /** @description text or caption of the last message (a send's text, caption or template name); null when it has none */
                                lastPreview: string | null;
                                /** @description the business's sends, and echoes of sends made outside the gateway */
                                outboundCount: number;
                            }[];
                            /** @description pass as cursor for the next page */
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/conversations/{contactId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the messages of a conversation, newest first: received, echoed and sent
         * @description Received messages and echoes are ordered by when Meta says they happened, sends by when they were queued. An echo of a send made through the gateway is shown once, as the send.
         */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    limit?: number;
                };
                header?: never;
                path: {
                    /** @description the customer: wa_id (or BSUID), PSID or IGSID */
                    contactId: string;
                    /** @description integration id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /**
                                 * Format: date-time
                                 * @description Meta's time of a received message or echo; when a send was queued
                                 */
                                at: string;
                                /** @enum {string} */
                                direction: "in" | "out";
                                /** @description the event id of a received message or echo, the command id of a send */
                                id: string;
                                /** @description a failed send: why */
                                lastError?: {
                                    code: string;
                                    message: string;
                                };
                                media?: {
                                    /** @description gateway path streaming the media with the token */
                                    fetchPath: string;
                                };
                                /** @description wamid / mid; null for a send not yet accepted by Meta */
                                metaMessageId: string | null;
                                /** @description text or caption, at most 500 characters; a send's text, caption, template name or interactive body; null when it has none (and for sends recorded before 014_outbound_preview) */
                                preview: string | null;
                                /**
                                 * @description sends only
                                 * @enum {string}
                                 */
                                status?: "queued" | "sending" | "sent" | "delivered" | "read" | "played" | "failed";
                                /** @description message type (text, image, template, ...) */
                                type: string;
                            }[];
                            /** @description pass as cursor for the next page */
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable an integration: nothing is sent with it any more, and its account can be connected again. The integration is kept; PATCH status=active enables it again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            businessManagerId: string | null;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description Meta's answer at the last token check, as Meta wrote it */
                            connectionError: {
                                code?: number;
                                message: string;
                                subcode?: number;
                            } | null;
                            /**
                             * @description pending until Meta accepts the token, connected after, error when Meta refused it
                             * @enum {string}
                             */
                            connectionStatus: "pending" | "connected" | "error";
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            igUserId: string | null;
                            name: string | null;
                            /** @description Meta refused the token while sending; rotate it */
                            needsReauth: boolean;
                            pageId: string | null;
                            phoneNumberId: string | null;
                            rotatedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            tokenExpiresAt: string | null;
                            tokenLast4: string;
                            /** @enum {string} */
                            tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                            /** Format: date-time */
                            updatedAt: string;
                            verifiedAt: string | null;
                            wabaId: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a file to Meta, for a send command to reference by id
         * @description multipart/form-data with one `file` part (its Content-Type is the media type). WhatsApp: uploaded to the number (`POST /{phone-number-id}/media`), answers the media id; a send command takes it as `message.id` (type `media`). Messenger: uploaded with the Attachment Upload API, answers the reusable attachment id. Instagram (Instagram Login) has no upload at Meta → 400; send by `link`. Checked before and while it streams to Meta: WhatsApp's types and limits per type (image 5 MB, audio / video 16 MB, document 100 MB, sticker 100 KB / 500 KB animated), 25 MB for Messenger, and MEDIA_MAX_BYTES: a type Meta does not take → 400, too large → 413 naming the limit, and nothing is kept at Meta. The whole upload must arrive within HTTP_REQUEST_TIMEOUT_MS. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description integration id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description bytes uploaded to Meta */
                            bytes: number;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description WhatsApp: the media id. Messenger / Instagram: the reusable attachment id */
                            id: string;
                            /** @enum {string} */
                            kind: "whatsapp_media_id" | "attachment_id";
                            mimeType: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/media/{mediaId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a customer's WhatsApp media (image, audio, video, document, sticker) through the gateway
         * @description The media id comes from an inbound event (`payload.media.id`; `payload.media.fetchPath` is this path). An unknown or expired media id (Meta keeps media 30 days) → 404 with Meta's reason; the short-lived URL Meta gives for it is resolved again when it has expired. Streams the file as it arrives from Meta (never whole in memory), with Content-Type, Content-Length when Meta gives it, Content-Disposition, and, for WhatsApp, ETag = Meta's sha256 (If-None-Match → 304). The bytes are hashed while they stream; when they do not match Meta's sha256 the response is cut before its last bytes (the client sees an incomplete body) and the mismatch is logged. The integration's token is used and never shown. Media are served with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy; only common pictures, audio and video are `inline`. Too large for MEDIA_MAX_BYTES → 413. A host outside MEDIA_ALLOWED_HOSTS (first URL or redirect) → 502, with no request made to it. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query?: {
                    /** @description the name in Content-Disposition (e.g. a document's `media.filename`); default: Meta's, or <mediaId>.<extension> */
                    filename?: string;
                };
                header?: never;
                path: {
                    /** @description integration id */
                    id: string;
                    /** @description WhatsApp's media id, from the inbound event's `media.id` */
                    mediaId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the templates of a WhatsApp integration's WABA (from the gateway's copy)
         * @description Templates belong to the WhatsApp Business Account: every integration of one WABA lists the same templates. Ordered by name and language. 404 for an unknown integration, 409 for one that is not WhatsApp or has no WABA id.
         */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    /** @description exact language code, e.g. en_US */
                    language?: string;
                    limit?: number;
                    /** @description part of the template name */
                    name?: string;
                    /** @description APPROVED, or several such as APPROVED,PAUSED */
                    status?: string;
                };
                header?: never;
                path: {
                    /** @description integration id (a WhatsApp integration) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                category: string | null;
                                components: {
                                    [key: string]: unknown;
                                }[];
                                /** Format: date-time */
                                createdAt: string;
                                /** @description Meta's template id */
                                id: string;
                                /**
                                 * Format: uuid
                                 * @description the integration whose token last wrote this template
                                 */
                                integrationId: string;
                                language: string;
                                /** @description the last status webhook’s event (FLAGGED or LOCKED do not change the status) */
                                lastStatusEvent: string | null;
                                name: string;
                                parameterFormat: string | null;
                                /** @description GREEN, YELLOW, RED or UNKNOWN, from quality webhooks */
                                qualityScore: string | null;
                                rejectedReason: string | null;
                                /** @description APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … as Meta says */
                                status: string;
                                /** @description when a sync last read it from Meta */
                                syncedAt: string | null;
                                /** Format: date-time */
                                updatedAt: string;
                                wabaId: string;
                            }[];
                            nextCursor: string | null;
                            wabaId: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a template at Meta and store it with the id and status Meta answers
         * @description Meta reviews new templates: the status is usually PENDING, and a webhook moves it to APPROVED or REJECTED. 409 when the name already exists in that language. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description integration id (a WhatsApp integration) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description let Meta re-categorize the template instead of rejecting it */
                        allowCategoryChange?: boolean;
                        /** @enum {string} */
                        category: "MARKETING" | "UTILITY" | "AUTHENTICATION";
                        components: ({
                            /** @description HEADER, BODY, FOOTER or BUTTONS */
                            type: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                        language: string;
                        name: string;
                        /** @enum {string} */
                        parameterFormat?: "POSITIONAL" | "NAMED";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            category: string | null;
                            components: {
                                [key: string]: unknown;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
                            /** @description Meta's template id */
                            id: string;
                            /**
                             * Format: uuid
                             * @description the integration whose token last wrote this template
                             */
                            integrationId: string;
                            language: string;
                            /** @description the last status webhook’s event (FLAGGED or LOCKED do not change the status) */
                            lastStatusEvent: string | null;
                            name: string;
                            parameterFormat: string | null;
                            /** @description GREEN, YELLOW, RED or UNKNOWN, from quality webhooks */
                            qualityScore: string | null;
                            rejectedReason: string | null;
                            /** @description APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … as Meta says */
                            status: string;
                            /** @description when a sync last read it from Meta */
                            syncedAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            wabaId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/templates/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-read the WABA's templates from Meta now
         * @description Reads every page of Meta’s listing and mirrors it: new templates are added, changed ones updated, and templates Meta no longer lists (deleted in WhatsApp Manager) are removed from the gateway’s copy. A template written by a create or a webhook while the listing was read is left for the next sync. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description integration id (a WhatsApp integration) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            added: number;
                            /** @description templates Meta no longer lists, deleted from the table */
                            removed: number;
                            /** @description templates Meta lists */
                            total: number;
                            unchanged: number;
                            updated: number;
                            wabaId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Rotate the integration’s token; every service uses the new one without a restart
         * @description The new token is checked with Meta first, and replaces the current one only when Meta accepts it: 400 `GW_TOKEN_REJECTED` with Meta’s reason when Meta refuses it; 502/503/504 when Meta cannot be asked now. Either way nothing changes and the current token stays in use; with `force=true` a token Meta cannot check now is stored anyway (`verificationDeferred`). It is stored encrypted under the current key; senders pick it up at their next integrations poll.
         */
        put: {
            parameters: {
                query?: {
                    /** @description store the token even when Meta cannot check it now */
                    force?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                        /** @description when the token expires; null or absent: it does not (system-user and page tokens) */
                        tokenExpiresAt?: string | null;
                        /**
                         * @description one the integration's channel works with; absent: unchanged
                         * @enum {string}
                         */
                        tokenType?: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            businessManagerId: string | null;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description Meta's answer at the last token check, as Meta wrote it */
                            connectionError: {
                                code?: number;
                                message: string;
                                subcode?: number;
                            } | null;
                            /**
                             * @description pending until Meta accepts the token, connected after, error when Meta refused it
                             * @enum {string}
                             */
                            connectionStatus: "pending" | "connected" | "error";
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            igUserId: string | null;
                            name: string | null;
                            /** @description Meta refused the token while sending; rotate it */
                            needsReauth: boolean;
                            pageId: string | null;
                            phoneNumberId: string | null;
                            rotatedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            tokenExpiresAt: string | null;
                            tokenLast4: string;
                            /** @enum {string} */
                            tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description present when Meta could not check the token (unreachable, throttled): why. It stays pending; POST /admin/integrations/{id}/verify checks it again */
                            verificationDeferred?: string;
                            verifiedAt: string | null;
                            wabaId: string | null;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/integrations/{id}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check the integration’s token with Meta now and record the result
         * @description 200 with `connectionStatus` `connected`, or `error` and Meta’s message in `connectionError`. 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 502 when it cannot be reached, 504 when it does not answer in time: the connection status is then left as it was.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            businessManagerId: string | null;
                            /** @enum {string} */
                            channel: "whatsapp" | "messenger" | "instagram";
                            /** @description Meta's answer at the last token check, as Meta wrote it */
                            connectionError: {
                                code?: number;
                                message: string;
                                subcode?: number;
                            } | null;
                            /**
                             * @description pending until Meta accepts the token, connected after, error when Meta refused it
                             * @enum {string}
                             */
                            connectionStatus: "pending" | "connected" | "error";
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            igUserId: string | null;
                            name: string | null;
                            /** @description Meta refused the token while sending; rotate it */
                            needsReauth: boolean;
                            pageId: string | null;
                            phoneNumberId: string | null;
                            rotatedAt: string | null;
                            /** @enum {string} */
                            status: "active" | "disabled";
                            tokenExpiresAt: string | null;
                            tokenLast4: string;
                            /** @enum {string} */
                            tokenType: "system_user" | "page" | "user" | "instagram_user" | "business_integration";
                            /** Format: date-time */
                            updatedAt: string;
                            verifiedAt: string | null;
                            wabaId: string | null;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/keys/reencrypt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-encrypt every integration token under the current encryption key (the first of TOKEN_ENCRYPTION_KEYS)
         * @description Run after putting a new key first; once it answers `{reencrypted: 0}` the old key can be removed.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            reencrypted: number;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue a message for sending (any channel and message type the sender supports)
         * @description Validated with the send command schema, including the per-channel rules (e.g. Instagram text at most 1000 bytes of UTF-8). 404: no such integration; 409: integration disabled, or commandId already used by another message. With `Idempotency-Key`, a retry with the same body gets the first answer and nothing is queued twice; the same key with another body is refused with 422. Keys are kept for IDEMPOTENCY_TTL_HOURS.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description makes retries safe: the same key and body always mean the same message */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description Taken from the integration; when given it must match
                         * @enum {string}
                         */
                        channel?: "whatsapp" | "instagram" | "messenger";
                        /** @description Your id for this message (1-128 printable ASCII); a uuid is generated when absent */
                        commandId?: string;
                        /**
                         * Format: uuid
                         * @description The integration (connected number, Page or Instagram account) to send from
                         */
                        integrationId: string;
                        message: {
                            previewUrl?: boolean;
                            text: string;
                            /** @enum {string} */
                            type: "text";
                        } | {
                            caption?: string;
                            filename?: string;
                            id?: string;
                            /** Format: uri */
                            link?: string;
                            /** @enum {string} */
                            mediaType: "image" | "audio" | "video" | "document" | "sticker" | "file";
                            /** @enum {string} */
                            type: "media";
                        } | {
                            components?: ({
                                parameters?: ({
                                    type: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                                type: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            language: string;
                            name: string;
                            /** @enum {string} */
                            type: "template";
                        } | {
                            interactive: {
                                body: string;
                                buttons: {
                                    id: string;
                                    title: string;
                                }[];
                                footer?: string;
                                header?: {
                                    text: string;
                                    /** @enum {string} */
                                    type: "text";
                                } | {
                                    id?: string;
                                    /** Format: uri */
                                    link?: string;
                                    /** @enum {string} */
                                    type: "image" | "video" | "document";
                                };
                                /** @enum {string} */
                                type: "buttons";
                            } | {
                                body: string;
                                buttonText: string;
                                footer?: string;
                                header?: {
                                    text: string;
                                    /** @enum {string} */
                                    type: "text";
                                };
                                sections: {
                                    rows: {
                                        description?: string;
                                        id: string;
                                        title: string;
                                    }[];
                                    title?: string;
                                }[];
                                /** @enum {string} */
                                type: "list";
                            } | {
                                body: string;
                                displayText: string;
                                footer?: string;
                                header?: {
                                    text: string;
                                    /** @enum {string} */
                                    type: "text";
                                } | {
                                    id?: string;
                                    /** Format: uri */
                                    link?: string;
                                    /** @enum {string} */
                                    type: "image" | "video" | "document";
                                };
                                /** @enum {string} */
                                type: "cta_url";
                                /** Format: uri */
                                url: string;
                            };
                            /** @enum {string} */
                            type: "interactive";
                        } | {
                            emoji: string;
                            messageId: string;
                            /** @enum {string} */
                            type: "reaction";
                        } | {
                            messageId: string;
                            /** @enum {string} */
                            type: "mark_read";
                        } | {
                            /** @enum {string} */
                            action: "typing_on" | "typing_off" | "mark_seen";
                            /** @enum {string} */
                            type: "sender_action";
                        };
                        /** @enum {string} */
                        messagingType?: "RESPONSE" | "UPDATE" | "MESSAGE_TAG";
                        quickReplies?: ({
                            /** @enum {string} */
                            contentType: "text";
                            /** Format: uri */
                            imageUrl?: string;
                            payload: string;
                            title: string;
                        } | {
                            /** @enum {string} */
                            contentType: "user_phone_number";
                        } | {
                            /** @enum {string} */
                            contentType: "user_email";
                        })[];
                        /** @enum {string} */
                        recipientType?: "individual" | "group";
                        replyTo?: string;
                        tag?: string;
                        to: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            commandId: string;
                            /**
                             * @description queued, or further along when the sender was quicker
                             * @enum {string}
                             */
                            status: "queued" | "sending" | "sent" | "delivered" | "read" | "played" | "failed";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/messages/{commandId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message's status, Meta message id, attempts, last error and status history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    commandId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Graph calls made so far */
                            attempts: number;
                            /** @enum {string} */
                            channel: "whatsapp" | "instagram" | "messenger";
                            commandId: string;
                            /** Format: date-time */
                            createdAt: string;
                            deliveredAt: string | null;
                            failedAt: string | null;
                            /** @description every status change, oldest first */
                            history: {
                                at: string;
                                error?: {
                                    code: string;
                                    fbtraceId?: string;
                                    message: string;
                                    metaCode?: number;
                                    /** @description every error Meta reported on a failed status (WhatsApp may send several), the first included */
                                    metaErrors?: {
                                        code: number;
                                        details?: string;
                                        message?: string;
                                        title: string;
                                    }[];
                                    metaSubcode?: number;
                                    retryable: boolean;
                                };
                                note?: string;
                                /** @enum {string} */
                                status: "queued" | "sending" | "sent" | "delivered" | "read" | "played" | "failed";
                            }[];
                            integrationId: string;
                            lastError: {
                                code: string;
                                fbtraceId?: string;
                                message: string;
                                metaCode?: number;
                                /** @description every error Meta reported on a failed status (WhatsApp may send several), the first included */
                                metaErrors?: {
                                    code: number;
                                    details?: string;
                                    message?: string;
                                    title: string;
                                }[];
                                metaSubcode?: number;
                                retryable: boolean;
                            } | null;
                            messageType: string;
                            /** @description wamid or mid Meta returned, once sent */
                            metaMessageId: string | null;
                            playedAt: string | null;
                            readAt: string | null;
                            sentAt: string | null;
                            /** @enum {string} */
                            status: "queued" | "sending" | "sent" | "delivered" | "read" | "played" | "failed";
                            to: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/spool/quarantine": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List quarantined inbound events, newest first (without the events themselves) */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    limit?: number;
                    reason?: "too_large" | "invalid_record" | "non_retriable";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /**
                                 * Format: date-time
                                 * @description when the webhook that carried it was accepted
                                 */
                                acceptedAt: string;
                                /** @description publish attempts refused for good (one more per retry refused again) */
                                attempts: number;
                                /** @description Kafka's error (MESSAGE_TOO_LARGE, ...) or EVENT_TOO_LARGE (INBOUND_EVENT_MAX_BYTES) */
                                errorCode: string;
                                errorMessage: string;
                                eventId: string;
                                /** Format: date-time */
                                firstAttemptAt: string;
                                id: number;
                                /** @description its Kafka key: channel:accountId:contactId */
                                key: string;
                                /** @description the inbound event kind (message, status, ...) */
                                kind: string | null;
                                /** Format: date-time */
                                lastAttemptAt: string;
                                /** Format: date-time */
                                quarantinedAt: string;
                                /** @description too_large, invalid_record or non_retriable */
                                reason: string;
                                /** @description size of the event, uncompressed */
                                sizeBytes: number;
                                /** @description the topic it was to be published to */
                                topic: string;
                            }[];
                            /** @description pass as cursor for the next page */
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/spool/quarantine/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Drop a quarantined event for good; it never reaches Kafka */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description quarantine row id */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * Format: date-time
                             * @description when the webhook that carried it was accepted
                             */
                            acceptedAt: string;
                            /** @description publish attempts refused for good (one more per retry refused again) */
                            attempts: number;
                            /** @description Kafka's error (MESSAGE_TOO_LARGE, ...) or EVENT_TOO_LARGE (INBOUND_EVENT_MAX_BYTES) */
                            errorCode: string;
                            errorMessage: string;
                            eventId: string;
                            /** Format: date-time */
                            firstAttemptAt: string;
                            id: number;
                            /** @description its Kafka key: channel:accountId:contactId */
                            key: string;
                            /** @description the inbound event kind (message, status, ...) */
                            kind: string | null;
                            /** Format: date-time */
                            lastAttemptAt: string;
                            /** Format: date-time */
                            quarantinedAt: string;
                            /** @description too_large, invalid_record or non_retriable */
                            reason: string;
                            /** @description size of the event, uncompressed */
                            sizeBytes: number;
                            /** @description the topic it was to be published to */
                            topic: string;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/spool/quarantine/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a quarantined event back to the spool; the ingestor offers it to Kafka again
         * @description The event leaves the quarantine and joins the end of the spool; the ingestor relays it within SPOOL_RELAY_INTERVAL_MS. Retry once the cause is fixed (e.g. the topic takes larger records): refused again, it comes back here with one more attempt.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description quarantine row id */
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * Format: date-time
                             * @description when the webhook that carried it was accepted
                             */
                            acceptedAt: string;
                            /** @description publish attempts refused for good (one more per retry refused again) */
                            attempts: number;
                            /** @description Kafka's error (MESSAGE_TOO_LARGE, ...) or EVENT_TOO_LARGE (INBOUND_EVENT_MAX_BYTES) */
                            errorCode: string;
                            errorMessage: string;
                            eventId: string;
                            /** Format: date-time */
                            firstAttemptAt: string;
                            id: number;
                            /** @description its Kafka key: channel:accountId:contactId */
                            key: string;
                            /** @description the inbound event kind (message, status, ...) */
                            kind: string | null;
                            /** Format: date-time */
                            lastAttemptAt: string;
                            /** Format: date-time */
                            quarantinedAt: string;
                            /** @description too_large, invalid_record or non_retriable */
                            reason: string;
                            /** @description size of the event, uncompressed */
                            sizeBytes: number;
                            /** @description the topic it was to be published to */
                            topic: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live updates as server-sent events: a message or a status arrived in a conversation
         * @description `text/event-stream` with `message` and `status` events, each `{type, integrationId, contactId, messageId[, status]}`; fetch the conversation to see what changed. 503 when CONSOLE_MAX_STREAMS streams are open.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The console session of the request's cookie (401 when there is none) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            adminKey: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                prefix: string;
                            };
                            /** @description send it as X-CSRF-Token with every call that changes something (POST, PUT, PATCH, DELETE) */
                            csrfToken: string;
                            /** Format: date-time */
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Sign in to the console: exchange an admin key for a session cookie
         * @description Sets the `osg_session` cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) and answers the CSRF token. 401 for a wrong or revoked key (counted like a failed bearer key; 429 when the address failed too often).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        key: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            adminKey: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                prefix: string;
                            };
                            /** @description send it as X-CSRF-Token with every call that changes something (POST, PUT, PATCH, DELETE) */
                            csrfToken: string;
                            /** Format: date-time */
                            expiresAt: string;
                        };
                    };
                };
            };
        };
        /**
         * Sign out of the console: ends the session and clears its cookie
         * @description Needs the X-CSRF-Token header.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/instagram/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Meta's redirect after the Instagram authorization (not called directly)
         * @description Checks the single-use state, exchanges the code and connects the accounts. HTML for browsers, JSON (`{provider, connected[], skipped[]}` or `{error:{code, reason, message}}`) otherwise. 400: bad, used, expired or foreign state, or access not granted; 403: the admin key that started it was revoked. Nothing is stored unless every step succeeded. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query?: {
                    code?: string;
                    error?: string;
                    error_description?: string;
                    error_reason?: string;
                    state?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connected: {
                                /** @description Instagram professional account id or Page id */
                                accountId: string;
                                /**
                                 * @description updated: the account’s integration got the new token
                                 * @enum {string}
                                 */
                                action: "created" | "updated";
                                /** @enum {string} */
                                channel: "instagram" | "messenger";
                                /** Format: uuid */
                                integrationId: string;
                                name: string | null;
                                tokenExpiresAt: string | null;
                            }[];
                            /** @enum {string} */
                            provider: "instagram" | "messenger";
                            /** @description Pages the login granted that cannot be messaged from, and why */
                            skipped: {
                                id: string;
                                name: string;
                                reason: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/instagram/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Start connecting Instagram: redirect to Meta's authorization dialog
         * @description 302 to Meta's dialog by default; with `Accept: application/json` the URL is answered instead. The authorization must be completed within 10 minutes, once.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * Format: uri
                             * @description Meta's authorization dialog; open it in the admin's browser
                             */
                            authorizeUrl: string;
                            /**
                             * Format: date-time
                             * @description the authorization must be completed before this time
                             */
                            expiresAt: string;
                            /** @enum {string} */
                            provider: "instagram" | "messenger";
                            /** @description where Meta sends the browser back; must be registered in the Meta dashboard */
                            redirectUri: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/messenger/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Meta's redirect after the Messenger authorization (not called directly)
         * @description Checks the single-use state, exchanges the code and connects the accounts. HTML for browsers, JSON (`{provider, connected[], skipped[]}` or `{error:{code, reason, message}}`) otherwise. 400: bad, used, expired or foreign state, or access not granted; 403: the admin key that started it was revoked. Nothing is stored unless every step succeeded. When Meta fails, `error.meta` carries Meta's own code, subcode and message: 400 when Meta refuses the request's content, 502 when Meta refuses the token or gives an unusable answer or cannot be reached, 503 (with Retry-After when Meta gives one) when Meta throttles or is unavailable, 504 when Meta does not answer in time.
         */
        get: {
            parameters: {
                query?: {
                    code?: string;
                    error?: string;
                    error_description?: string;
                    error_reason?: string;
                    state?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connected: {
                                /** @description Instagram professional account id or Page id */
                                accountId: string;
                                /**
                                 * @description updated: the account’s integration got the new token
                                 * @enum {string}
                                 */
                                action: "created" | "updated";
                                /** @enum {string} */
                                channel: "instagram" | "messenger";
                                /** Format: uuid */
                                integrationId: string;
                                name: string | null;
                                tokenExpiresAt: string | null;
                            }[];
                            /** @enum {string} */
                            provider: "instagram" | "messenger";
                            /** @description Pages the login granted that cannot be messaged from, and why */
                            skipped: {
                                id: string;
                                name: string;
                                reason: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/messenger/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Start connecting Messenger: redirect to Meta's authorization dialog
         * @description 302 to Meta's dialog by default; with `Accept: application/json` the URL is answered instead. The authorization must be completed within 10 minutes, once.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /**
                             * Format: uri
                             * @description Meta's authorization dialog; open it in the admin's browser
                             */
                            authorizeUrl: string;
                            /**
                             * Format: date-time
                             * @description the authorization must be completed before this time
                             */
                            expiresAt: string;
                            /** @enum {string} */
                            provider: "instagram" | "messenger";
                            /** @description where Meta sends the browser back; must be registered in the Meta dashboard */
                            redirectUri: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
