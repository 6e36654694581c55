namespace Vigil.Redis.Scripts;

/// <summary>Every Lua script of the engine, created once per process, and the list of them that is loaded at start.</summary>
/// <remarks>
/// <see cref="All"/> is written out by hand rather than filled by each script's constructor: a class's static fields are
/// created when the class is first used, which in Native AOT may be after the storage initialized. A script created
/// then missed the load, had no SHA-1, and went by its text on every call; StackExchange.Redis then looked the text up in
/// its cache of SHA-1s, hashing all of it (several KB) each time: 5 % of a Native AOT worker's CPU in the benchmark.
/// <c>RedisScriptsTests</c> checks that every script of the assembly is in the list.
/// </remarks>
internal static class RedisScripts
{
    public static readonly RedisScript Enqueue = new(LuaScripts.Enqueue);
    public static readonly RedisScript Claim = new(LuaScripts.Claim);
    public static readonly RedisScript Renew = new(LuaScripts.Renew);
    public static readonly RedisScript Complete = new(LuaScripts.Complete);
    public static readonly RedisScript Cancel = new(LuaScripts.Cancel);
    public static readonly RedisScript Retry = new(LuaScripts.Retry);
    public static readonly RedisScript Delete = new(LuaScripts.Delete);
    public static readonly RedisScript Purge = new(LuaScripts.Purge);
    public static readonly RedisScript Summary = new(LuaScripts.Summary);
    public static readonly RedisScript AcquireLock = new(LuaScripts.AcquireLock);
    public static readonly RedisScript ReleaseLock = new(LuaScripts.ReleaseLock);
    public static readonly RedisScript PublishEvents = new(LuaScripts.PublishEvents);
    public static readonly RedisScript Ready = new(LuaScripts.Ready);
    public static readonly RedisScript Unregister = new(LuaScripts.Unregister);
    public static readonly RedisScript IdempotencyReserve = new(LuaScripts.IdempotencyReserve);
    public static readonly RedisScript IdempotencySwap = new(LuaScripts.IdempotencySwap);
    public static readonly RedisScript IdempotencyRelease = new(LuaScripts.IdempotencyRelease);

    /// <summary>Every script above (field initializers run in order, so each is created by now).</summary>
    public static readonly IReadOnlyList<RedisScript> All =
    [
        Enqueue, Claim, Renew, Complete, Cancel, Retry, Delete, Purge, Summary, AcquireLock, ReleaseLock, PublishEvents, Ready, Unregister,
        IdempotencyReserve, IdempotencySwap, IdempotencyRelease,
    ];
}
