export declare const MODULE_EXTENSION: '.ts' | '.js';
export declare function registerAlias(): void;
export declare function registerRuntime(): void;
