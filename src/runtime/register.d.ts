export declare function registerAlias(): void;
export declare function registerRuntime(): void;
