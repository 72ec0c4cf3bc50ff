using System.Net;
using System.Net.Sockets;

namespace Otklik.Features.Social;

/// <summary>
/// The HTTP clients that call addresses a partner names (a collector's photo URL or callback): they connect only to
/// public addresses, checked on the address actually connected to (after DNS, so a name that resolves to 127.0.0.1 or
/// the cloud's metadata address is refused too), unless <c>Otklik:Social:AllowPrivateNetworks</c> says the partners
/// live on the region's own network (and the tests, which run them on this machine).
/// </summary>
public static class OutboundHttp
{
    public const string Partner = "social-partner";
    /// <summary>The bots' client: the Bot API and the VK API at their configured addresses (set by the administrator, not a partner).</summary>
    public const string Bots = "social-bots";

    public static IServiceCollection AddPartnerHttp(this IServiceCollection services, IConfiguration config)
    {
        var allowPrivate = config.GetValue("Otklik:Social:AllowPrivateNetworks", false);
        services.AddHttpClient(Partner, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = async (context, ct) =>
                {
                    var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                    var target = addresses.FirstOrDefault(a => allowPrivate || IsPublic(a))
                        ?? throw new HttpRequestException($"{context.DnsEndPoint.Host} is not a public address.");
                    var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            });
        return services;
    }

    /// <summary>Not loopback, private, link-local (the metadata address), carrier-grade NAT, unique-local or unspecified.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224);
    }
}
