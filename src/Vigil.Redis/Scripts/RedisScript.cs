using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Vigil.Redis.Scripts;

/// <summary>A Lua script sent by its SHA-1 (<c>EVALSHA</c>), and in full only when the server does not know it yet.</summary>
internal sealed class RedisScript
{
    public RedisScript(string text)
    {
        Text = text;

        // Redis names cached scripts by their SHA-1; this is an identifier, not a security measure.
#pragma warning disable CA5350
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    public string Text { get; }

    public byte[] Hash { get; }

    /// <summary>Runs the script: <c>EVALSHA</c>, then <c>EVAL</c> after a <c>NOSCRIPT</c> (a restarted or new server).</summary>
    /// <param name="database">The database or batch.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="values">The arguments.</param>
    /// <returns>The script's result.</returns>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
