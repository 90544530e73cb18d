using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using LiveMux.Tests;
using Xunit.Abstractions;

namespace LiveMux.EndToEnd.Tests;

/// <summary>
/// The container image, built offline by deploy/container/build-tarball.sh (dotnet publish -t:PublishContainer on a
/// locally served Debian base): a valid OCI image that runs. No skip: a missing tool fails the test.
/// </summary>
[Collection("e2e")]
public sealed class ContainerImageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_tarball_is_a_valid_image_and_the_server_in_it_answers()
    {
        var dir = Path.Combine(RepoPaths.ArtifactDirectory, "container");
        Directory.CreateDirectory(dir);
        var tarball = Path.Combine(dir, "livemux.tar");
        File.Delete(tarball);

        // --verify also unpacks the layers and runs the entrypoint in its own namespaces, then GET / and SIGTERM.
        var (exit, log) = await RunAsync(Path.Combine(RepoPaths.Root, "deploy", "container", "build-tarball.sh"), "--verify", tarball);
        output.WriteLine(log);
        Assert.True(exit == 0, $"build-tarball.sh --verify exited {exit}:\n{log}");
        Assert.Contains("verify-tarball: ok: GET / answered 200 inside the image", log, StringComparison.Ordinal);
        Assert.Contains("verify-tarball: ok: SIGTERM: the server exited with code 0", log, StringComparison.Ordinal);

        // Independently of the script: the OCI layout, digests, and the config the SDK wrote.
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var file = File.OpenRead(tarball))
        {
            using var reader = new TarReader(file);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    await data.CopyToAsync(copy);
                    blobs[entry.Name.TrimStart('.', '/')] = copy.ToArray();
                }
            }
        }

        Assert.True(blobs.ContainsKey("oci-layout"), "oci-layout file");
        using var index = JsonDocument.Parse(blobs["index.json"]);
        var manifestRef = index.RootElement.GetProperty("manifests")[0];
        Assert.Equal("latest", manifestRef.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        using var manifest = JsonDocument.Parse(Blob(blobs, manifestRef.GetProperty("digest").GetString()!));
        using var config = JsonDocument.Parse(Blob(blobs, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!));
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(2, layers.Count); // the Debian + ASP.NET Core base, and the app
        foreach (var layer in layers)
        {
            Assert.Equal(layer.GetProperty("size").GetInt64(), Blob(blobs, layer.GetProperty("digest").GetString()!).LongLength);
        }

        var c = config.RootElement.GetProperty("config");
        Assert.Equal(["dotnet", "/app/LiveMux.Server.dll"], c.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.True(c.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _), "exposes 8080/tcp");
        Assert.Equal("1654", c.GetProperty("User").GetString());
        Assert.Equal("/app/", c.GetProperty("WorkingDir").GetString());
        var env = c.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("ASPNETCORE_URLS=http://+:8080", env);
        Assert.Contains("LiveMux__StreamsFile=/var/lib/livemux/streams.json", env);
        Assert.Equal(layers.Count, config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
    }

    private static byte[] Blob(Dictionary<string, byte[]> blobs, string digest)
    {
        var hex = digest["sha256:".Length..];
        Assert.True(blobs.TryGetValue("blobs/sha256/" + hex, out var data), $"blob {digest} in the tarball");
        Assert.Equal(hex, Convert.ToHexStringLower(SHA256.HashData(data)));
        return data;
    }

    private static async Task<(int Exit, string Log)> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
