using StackExchange.Redis;

namespace Vigil.Redis.Scripts;

/// <summary>
/// A Lua script sent by its SHA-1 (<c>EVALSHA</c>) once Redis has named it, and in full (<c>EVAL</c>) before that or when
/// a server does not know it (restarted, failed over, another cluster node).
/// </summary>
/// <remarks>
/// The SHA-1 comes from Redis (<c>SCRIPT LOAD</c> when the storage initializes), not
/// from hashing here: computing it in-process would load OpenSSL into every worker for this one purpose, about 5 MB of
/// resident memory (measured with a bare console app: +5.3 MB RSS on the first <c>SHA1.HashData</c>).
/// </remarks>
internal sealed class RedisScript
{
    private byte[]? _hash;

    public RedisScript(string text) => Text = text;

    public string Text { get; }

    /// <summary>The script's SHA-1 as Redis named it, or <see langword="null"/> before <see cref="Learn"/>.</summary>
    public byte[]? Hash => Volatile.Read(ref _hash);

    /// <summary>Remembers the SHA-1 a server answered to <c>SCRIPT LOAD</c> (the same on every server).</summary>
    /// <param name="hash">The 20-byte hash.</param>
    public void Learn(byte[] hash)
    {
        if (hash is not { Length: 20 })
        {
            throw new ArgumentException($"A script's SHA-1 has 20 bytes, not {hash?.Length ?? 0}.", nameof(hash));
        }

        Volatile.Write(ref _hash, hash);
    }

    /// <summary>Runs the script: <c>EVALSHA</c>, then <c>EVAL</c> after a <c>NOSCRIPT</c>; <c>EVAL</c> while its hash is unknown.</summary>
    /// <param name="database">The database or batch.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="values">The arguments.</param>
    /// <returns>The script's result.</returns>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        var hash = Hash;
        if (hash is null)
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }

        try
        {
            return await database.ScriptEvaluateAsync(hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (IsNoScript(ex))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }

    public static bool IsNoScript(RedisServerException ex) => ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
