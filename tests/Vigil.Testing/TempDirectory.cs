namespace Vigil.Testing;

/// <summary>A fresh directory under the system temp folder, deleted (best effort) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory, named <c>vigil-{prefix}-{random}</c>.</summary>
    /// <param name="prefix">A word for people reading the temp folder.</param>
    public TempDirectory(string prefix = "test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vigil-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>The full path of a file inside the directory (not created).</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The path.</returns>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process we started may still hold a file for a moment; the OS temp cleaner gets it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
