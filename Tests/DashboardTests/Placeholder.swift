import Testing

// Placeholder so the target builds before its first suite lands; removed by that change.
enum DashboardTestsPlaceholder {}
