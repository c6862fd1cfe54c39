import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { DomainConfig } from './edge-config';
import { pascalCase } from './naming';

/** Properties of an {@link ApiCustomDomain}. */
export interface ApiCustomDomainProps {
  /** The domain name, its certificate and the optional hosted zone. */
  readonly config: DomainConfig;
  /** The REST API the stages belong to. */
  readonly api: apigw.IRestApi;
  /** The stages served under the domain, by name; each is mapped under the base path of its own name. */
  readonly stages: Readonly<Record<string, apigw.Stage>>;
}

/**
 * A REGIONAL custom domain name with TLS 1.2 as its minimum, the imported certificate, a base path mapping per
 * stage (`/beta` → beta, `/v1` → v1) and, with a hosted zone, an alias A record pointing the name at the domain.
 */
export class ApiCustomDomain extends Construct {
  /** The custom domain name. */
  public readonly domainName: apigw.DomainName;
  private readonly name: string;

  constructor(scope: Construct, id: string, props: ApiCustomDomainProps) {
    super(scope, id);
    this.name = props.config.name;
    this.domainName = new apigw.DomainName(this, 'Resource', {
      domainName: props.config.name,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.config.certificateArn),
      endpointType: apigw.EndpointType.REGIONAL,
      // CDK leaves SecurityPolicy out unless told, and API Gateway's default may change: say it
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    for (const [stageName, stage] of Object.entries(props.stages)) {
      new apigw.BasePathMapping(this, `${pascalCase(stageName)}Mapping`, {
        domainName: this.domainName,
        restApi: props.api,
        stage,
        basePath: stageName,
      });
    }
    if (props.config.hostedZone) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.config.hostedZone.id,
        zoneName: props.config.hostedZone.name,
      });
      new route53.ARecord(this, 'AliasRecord', {
        zone,
        recordName: props.config.name,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(this.domainName)),
      });
    }
  }

  /** The URL of a path of a stage through the custom domain, e.g. `https://api.example.com/v1/api`. */
  public urlForPath(stageName: string, path: string): string {
    return `https://${this.name}/${stageName}${path}`;
  }
}
