export * from "./accounts";
export * from "./audit";
export * from "./evidence";
export * from "./cycles";
export * from "./submissions";
export * from "./evaluation";
export * from "./results";
export * from "./notifications";
