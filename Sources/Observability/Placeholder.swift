// Placeholder so the module builds before its first type lands; removed by that change.
enum ObservabilityPlaceholder {}
