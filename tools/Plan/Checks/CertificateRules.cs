using Infra.Components.Shared;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>CERT001: an ALB listener can only use an ACM certificate of its own region.</summary>
public sealed class ListenerCertificateRegion : IPlanRule
{
    public string Id => "CERT001";
    public Severity Severity => Severity.Error;
    public string Title => "Load balancer certificate is in the stack's region";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from listener in graph.Listeners
        let certificateRegion = CertificateArns.AcmRegion(Text(listener.Inputs["certificateArn"]))
        let region = graph.RegionOf(listener)
        where certificateRegion is not null && certificateRegion != region
        select new Finding(Id, Severity, [listener.Urn],
            $"{listener.Name}: the ACM certificate is in {certificateRegion}, the load balancer in {region}; AWS refuses it",
            $"request or import the certificate in {region} and set infra:loadBalancer.certificateArn to it");
}

/// <summary>CERT002: CloudFront only uses ACM certificates from us-east-1.</summary>
public sealed class CloudFrontCertificateRegion : IPlanRule
{
    public string Id => "CERT002";
    public Severity Severity => Severity.Error;
    public string Title => "CloudFront certificate is in us-east-1";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from distribution in graph.OfType(Types.Distribution)
        let certificateRegion = CertificateArns.AcmRegion(Text(distribution.Inputs["viewerCertificate"]?["acmCertificateArn"]))
        where certificateRegion is not null && certificateRegion != "us-east-1"
        select new Finding(Id, Severity, [distribution.Urn],
            $"{distribution.Name}: the ACM certificate is in {certificateRegion}; CloudFront only accepts certificates from us-east-1",
            "use a certificate in us-east-1 (infra:assets.hosts.certificateArn), or give hostedZoneId and let the stack create one");
}
