namespace Vigil.AspNetCore.Realtime;

/// <summary>Marks that <c>AddVigilRealtime</c> ran, for idempotence and for a clear error at mapping time.</summary>
internal sealed class RealtimeMarker;
