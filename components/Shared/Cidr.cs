using System.Net;
using System.Net.Sockets;

namespace Infra.Components.Shared;

/// <summary>An IPv4 block, for carving a VPC into subnets.</summary>
public readonly record struct Cidr(uint Network, int Prefix)
{
    public ulong Size => 1UL << (32 - Prefix);
    public ulong End => Network + Size;

    public static bool TryParse(string? text, out Cidr cidr)
    {
        cidr = default;
        var parts = text?.Split('/');
        if (parts is not [var address, var prefixText]
            || !IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork
            || address.Count(c => c == '.') != 3
            || !int.TryParse(prefixText, out var prefix) || prefix is < 0 or > 32)
            return false;
        var bytes = ip.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        if ((value & ~mask) != 0)
            return false;
        cidr = new Cidr(value, prefix);
        return true;
    }

    public bool Contains(Cidr other) => other.Network >= Network && other.End <= End;

    public bool Overlaps(Cidr other) => other.Network < End && Network < other.End;

    public override string ToString() =>
        $"{Network >> 24}.{(Network >> 16) & 255}.{(Network >> 8) & 255}.{Network & 255}/{Prefix}";

    /// <summary>Places blocks of the given prefixes one after another, each aligned to its size; null when
    /// they do not fit in this block.</summary>
    public IReadOnlyList<Cidr>? Allocate(IEnumerable<int> prefixes)
    {
        var result = new List<Cidr>();
        ulong next = Network;
        foreach (var prefix in prefixes)
        {
            var size = 1UL << (32 - prefix);
            next = (next + size - 1) / size * size;
            if (next + size > End)
                return null;
            result.Add(new Cidr((uint)next, prefix));
            next += size;
        }

        return result;
    }
}
