using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Tests.Rtp;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>Muxes audio units as the hub does: the init segment, then one moof+mdat per unit with the unit's own duration.</summary>
internal static class AudioMp4
{
    public static void Write(string path, TrackConfig config, IReadOnlyList<AudioUnit> units)
    {
        using var file = File.Create(path);
        file.Write(InitSegment.Build([config]));
        var buffer = new byte[MediaFragment.HeaderSize + units.Max(u => u.Data.Length)];
        var start = units[0].Timestamp;
        for (var i = 0; i < units.Count; i++)
        {
            var header = new FragmentHeader((uint)(i + 1), 1, (ulong)(units[i].Timestamp - start), (uint)units[i].Duration, units[i].Data.Length, IsSync: true);
            var written = MediaFragment.Write(buffer, header, units[i].Data);
            file.Write(buffer, 0, written);
        }
    }
}
