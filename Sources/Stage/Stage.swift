/// The Stage module. See docs/architecture.md for what it owns.
public enum StageModule {}
